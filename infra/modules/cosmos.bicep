metadata description = 'Cosmos DB for NoSQL: Entra ID access only (local auth off), TLS 1.2, serverless by default or provisioned autoscale; the database, the containers of containers.json, and data-plane role assignments.'

@description('Required. Name of the Cosmos DB account.')
param accountName string

@description('Required. Name of the database.')
param databaseName string

@description('Required. Principal id of the function app identity (gets Cosmos DB Built-in Data Contributor).')
param appPrincipalId string

@description('Optional. Principal id of a developer who gets Cosmos DB Built-in Data Contributor too (empty: none).')
param developerPrincipalId string = ''

@description('Optional. Capacity mode: serverless (pay per request) or provisioned autoscale throughput shared by the containers.')
@allowed([
  'serverless'
  'autoscale'
])
param capacityMode string = 'serverless'

@description('Optional. Maximum autoscale throughput (RU/s) of the database, for capacityMode autoscale.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('Optional. Location of the account.')
param location string = resourceGroup().location

@description('Optional. Tags of the account.')
param tags object = {}

// The same container definitions the app reads (names, partition keys, indexing policies).
var containers = loadJsonContent('../containers.json').containers

// Built-in Cosmos DB data-plane role: Cosmos DB Built-in Data Contributor.
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'
var dataPrincipals = empty(developerPrincipalId) ? [appPrincipalId] : [appPrincipalId, developerPrincipalId]

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: capacityMode == 'serverless' ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2026-03-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: capacityMode == 'autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2026-03-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: {
          paths: [container.partitionKeyPath]
          kind: 'Hash'
          version: 2
        }
        indexingPolicy: container.indexingPolicy
      }
    }
  }
]

// One at a time, after the containers: Cosmos DB locks the account for each role assignment, and a parallel
// one fails with 412 "another operation is in progress".
@batchSize(1)
resource dataContributors 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = [
  for principalId in dataPrincipals: {
    parent: account
    dependsOn: [
      sqlContainers
    ]
    name: guid(account.id, principalId, dataContributorRoleId)
    properties: {
      principalId: principalId
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
      scope: account.id
    }
  }
]

@description('The account endpoint, e.g. https://<name>.documents.azure.com:443/.')
output endpoint string = account.properties.documentEndpoint

@description('The database name.')
output databaseName string = database.name
