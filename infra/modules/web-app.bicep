// App Service on Linux running the bot on Node 24 LTS (package.json "engines"), with the user-assigned managed identity.

param name string
param location string
param sku string
param identityResourceId string
param identityClientId string
param identityTenantId string
param cosmosEndpoint string
param cosmosDatabaseName string
param defaultLocale string
param defaultTimeZone string
param tabSsoClientId string
@description('Application Insights connection string; the bot sends with its managed identity (local auth is off).')
param appInsightsConnectionString string
param teamsAppId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: sku
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|24-lts'
      appCommandLine: 'npm run start:production'
      // The scheduler (campaigns, reminders, the router's sweep) runs inside the web app: it must not idle out.
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Every setting src/config.ts needs in production (test/app-package.test.ts checks this list against it).
      appSettings: [
        {
          name: 'HOST'
          value: '0.0.0.0'
        }
        {
          name: 'PORT'
          value: '8080'
        }
        {
          name: 'WEBSITES_PORT'
          value: '8080'
        }
        {
          name: 'CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'TENANT_ID'
          value: identityTenantId
        }
        {
          name: 'MANAGED_IDENTITY_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmosEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: cosmosDatabaseName
        }
        {
          name: 'DEFAULT_LOCALE'
          value: defaultLocale
        }
        {
          name: 'DEFAULT_TIME_ZONE'
          value: defaultTimeZone
        }
        {
          // The coordinator page's Teams SSO: its tokens are for api://<this web app's host>/<this client id>.
          name: 'TAB_SSO_CLIENT_ID'
          value: tabSsoClientId
        }
        {
          // Installing the app for students who never opened it (src/teams/graph-install.ts).
          name: 'TEAMS_APP_ID'
          value: teamsAppId
        }
        {
          name: 'LOG_LEVEL'
          value: 'info'
        }
        {
          // Traces, metrics and log lines for the operator (src/platform/telemetry.ts), signed in as the identity.
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          // The upload already holds node_modules (npm ci --omit=dev in the deploy stage): no build on the server.
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
        {
          // Run from the uploaded zip, mounted read-only: every deploy is whole, and nothing writes to the app's files.
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
      ]
    }
  }
}

// Publishing goes through Entra ID (atk deploy's zip deploy with the signed-in account): no FTP or SCM
// basic-authentication credentials that could leak and upload code.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output resourceId string = site.id
output hostName string = site.properties.defaultHostName
