// LOB Reflectie on Azure: one deployment serves one school (or school board) in its own Microsoft 365 tenant.
// Deployed by `provision` in teamsapp.yml (Agents Toolkit), or by hand with `az deployment group create`.
// What it creates and why: docs/deploy.md.

@minLength(4)
@maxLength(20)
@description('Lower-case letters and digits; every resource name is derived from it.')
param resourceBaseName string

@description('Azure region for the web app and the database. For Dutch schools: westeurope (the Netherlands) keeps the data in the EU.')
param location string = resourceGroup().location

@maxLength(42)
@description('The bot\'s name in Azure Bot Service.')
param botDisplayName string = 'LOB Reflectie'

@description('App Service plan SKU. B1 or higher: the scheduler needs Always On, which the free tier lacks.')
param webAppSku string = 'B1'

@description('Azure Bot Service SKU. F0 is free; Teams messages are not metered.')
param botServiceSku string = 'F0'

@description('Cosmos DB database name (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'lob-reflectie'

@allowed(['Continuous7Days', 'Continuous30Days'])
@description('Cosmos DB continuous backup: how far back a point-in-time restore reaches (7 days is free).')
param cosmosBackupTier string = 'Continuous7Days'

@allowed(['nl', 'en'])
@description('Language for people whose Teams language is neither Dutch nor English (DEFAULT_LOCALE).')
param defaultLocale string = 'nl'

@description('Time zone of a new school (DEFAULT_TIME_ZONE).')
param defaultTimeZone string = 'Europe/Amsterdam'

@description('Client id of the Entra app registration the coordinator page\'s Teams tab signs in with (TAB_SSO_CLIENT_ID); empty: no Teams SSO.')
param tabSsoClientId string = ''

@minValue(30)
@maxValue(730)
@description('Days Application Insights keeps the telemetry (request traces, metrics, log lines; never an answer).')
param telemetryRetentionDays int = 30
@description('The Teams app\'s manifest id (TEAMS_APP_ID): the bot installs itself for students who never opened it; needs Graph permissions granted by hand (docs/deploy.md). Empty: it does not.')
param teamsAppId string = ''

var baseName = toLower(resourceBaseName)

// The bot's identity: Azure Bot Service knows the bot by this identity's client id (msaAppType UserAssignedMSI),
// and the web app uses the same identity for the Bot Framework token and for Cosmos DB. No secret exists.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-id'
  location: location
}

module cosmos './modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: '${baseName}-cosmos'
    location: location
    databaseName: cosmosDatabaseName
    // With key auth off, only ARM may create containers: the app's managed identity can read and write
    // items but not create a container. This list must hold every collection the app opens (a test checks).
    containerNames: loadJsonContent('cosmos-containers.json')
    dataContributorPrincipalId: identity.properties.principalId
    backupTier: cosmosBackupTier
  }
}

module monitoring './modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: baseName
    location: location
    publisherPrincipalId: identity.properties.principalId
    retentionInDays: telemetryRetentionDays
  }
}

module webApp './modules/web-app.bicep' = {
  name: 'web-app'
  params: {
    name: baseName
    location: location
    sku: webAppSku
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmosDatabaseName
    defaultLocale: defaultLocale
    defaultTimeZone: defaultTimeZone
    tabSsoClientId: tabSsoClientId
    appInsightsConnectionString: monitoring.outputs.connectionString
    teamsAppId: teamsAppId
  }
}

module bot './modules/azure-bot.bicep' = {
  name: 'azure-bot'
  params: {
    name: '${baseName}-bot'
    displayName: botDisplayName
    sku: botServiceSku
    messagingEndpoint: 'https://${webApp.outputs.hostName}/api/messages'
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
  }
}

// The Agents Toolkit writes every output into env/.env.<environment>, under the output's name.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.outputs.resourceId
output BOT_DOMAIN string = webApp.outputs.hostName
output BOT_ENDPOINT string = 'https://${webApp.outputs.hostName}'
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output APPLICATION_INSIGHTS_RESOURCE_ID string = monitoring.outputs.resourceId
