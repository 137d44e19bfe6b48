metadata description = 'graph-analytics-api: a Flex Consumption function app, its host storage, Cosmos DB for NoSQL and monitoring, with managed identity everywhere and keys switched off. Deploy with `azd up`.'

targetScope = 'subscription'

@description('Required. Name of the azd environment; it seeds the names of all resources.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Required. Location of all resources: a region that offers Flex Consumption (the list of the azd Flex Consumption quickstarts).')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'eastus2euap'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Required. Audiences of the API in Microsoft Entra ID, comma-separated: api://<client id>,<client id>.')
@minLength(1)
param authAudience string

@description('Optional. Tenant ids allowed to call the API, comma-separated (empty: any tenant with a valid token).')
param authAllowedTenants string = ''

@description('Optional. Origins of browser apps allowed to call the API (CORS), comma-separated, e.g. https://app.contoso.com (empty: none).')
param corsAllowedOrigins string = ''

@description('Optional. Object id of a developer who gets data access to Cosmos DB and the host storage (empty: none).')
param developerPrincipalId string = ''

@description('Optional. Principal type of developerPrincipalId: User, or ServicePrincipal when azd runs signed in as one (CI).')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param developerPrincipalType string = 'User'

@description('Optional. Cosmos DB capacity: serverless, or provisioned autoscale throughput shared by the containers.')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosCapacityMode string = 'serverless'

@description('Optional. Maximum autoscale throughput (RU/s), for cosmosCapacityMode autoscale.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Optional. Name of the Cosmos DB database.')
param cosmosDatabaseName string = 'graph-analytics'

@description('Optional. Largest number of function app instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    deploymentContainerName: deploymentContainerName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: developerPrincipalId
    developerPrincipalType: developerPrincipalType
    location: location
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    databaseName: cosmosDatabaseName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: developerPrincipalId
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    location: location
    tags: tags
  }
}

module api 'modules/functionApp.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    identityPrincipalId: identity.outputs.principalId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    allowedOrigins: empty(corsAllowedOrigins) ? [] : split(corsAllowedOrigins, ',')
    location: location
    tags: tags
    // The app's own settings: each name is one src/config.ts reads (a test checks both sides agree).
    appSettings: {
      COSMOS_ENDPOINT: cosmos.outputs.endpoint
      COSMOS_DATABASE: cosmos.outputs.databaseName
      AZURE_CLIENT_ID: identity.outputs.clientId
      AUTH_AUDIENCE: authAudience
      AUTH_ALLOWED_TENANTS: authAllowedTenants
      CORS_ALLOWED_ORIGINS: corsAllowedOrigins
    }
  }
}

@description('The location of the resources.')
output AZURE_LOCATION string = location

@description('The tenant of the subscription.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('The resource group.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('The function app name.')
output SERVICE_API_NAME string = api.outputs.name

@description('The base URL of the Graph-compatible API (point a Graph client here).')
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}/beta'

@description('The Cosmos DB endpoint (for a developer with data access).')
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint

@description('The Cosmos DB database.')
output COSMOS_DATABASE string = cosmos.outputs.databaseName
