// Cosmos DB for NoSQL, serverless, reachable only with Entra ID (local key auth is off).

param accountName string
param location string
param databaseName string

@description('Containers to create, each partitioned on /pk as the app expects (src/store/cosmos/cosmos-store.ts).')
param containerNames array

@description('Principal (object) id that gets the built-in Cosmos DB Data Contributor role on the account.')
param dataContributorPrincipalId string

@allowed(['Continuous7Days', 'Continuous30Days'])
@description('How far back a point-in-time restore reaches. 7 days is free; erased data stays in the backup this long (docs/security.md).')
param backupTier string = 'Continuous7Days'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableServerless' }
    ]
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    // Keys are off: the app signs in with its managed identity, and nobody can hand out a key that reads
    // every student's answers. Databases and containers change only through ARM (this file).
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    // Continuous backup: any second of the last 7 (or 30) days can be restored to a new account
    // (docs/deploy.md). Once on, an account cannot go back to periodic backup.
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: { tier: backupTier }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// Serverless: no throughput settings. Indexing stays the default (every path), which the app's queries rely on.
resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for name in containerNames: {
    parent: database
    name: name
    properties: {
      resource: {
        id: name
        partitionKey: {
          paths: ['/pk']
          kind: 'Hash'
          version: 2
        }
      }
    }
  }
]

// Cosmos DB Built-in Data Contributor: read and write items and read metadata (a data-plane role, not Azure RBAC).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, dataContributorPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: dataContributorPrincipalId
    // The whole account: the SDK reads account metadata at start, and the account holds only this app's database.
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
