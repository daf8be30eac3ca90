// Application Insights for the operator: the bot's request traces, send and job metrics and log lines
// (never an answer: src/platform/telemetry.ts). Workspace-based, and with local authentication off: only
// the bot's managed identity, holding Monitoring Metrics Publisher on this resource, can send to it.

param name string
param location string
@description('Principal id of the managed identity that sends telemetry.')
param publisherPrincipalId string
@minValue(30)
@maxValue(730)
@description('Days the workspace keeps the telemetry.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Entra ID only: the connection string alone cannot send anything.
    DisableLocalAuth: true
  }
}

// Monitoring Metrics Publisher: what Application Insights asks of an Entra-authenticated sender.
var metricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, publisherPrincipalId, metricsPublisherRoleId)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisherRoleId)
    principalId: publisherPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output connectionString string = insights.properties.ConnectionString
output resourceId string = insights.id
