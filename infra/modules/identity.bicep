metadata description = 'The user-assigned managed identity the function app uses for storage, Cosmos DB and telemetry.'

@description('Required. Name of the identity.')
param name string

@description('Optional. Location of the identity.')
param location string = resourceGroup().location

@description('Optional. Tags of the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('The identity resource id.')
output resourceId string = identity.id

@description('The identity client (application) id.')
output clientId string = identity.properties.clientId

@description('The identity principal (object) id.')
output principalId string = identity.properties.principalId
