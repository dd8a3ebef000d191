// Key Vault for the app's secrets, in RBAC mode: the app reads them through Container Apps secret
// references with its managed identity; nobody holds an access policy.
param name string
param location string
param tags object

@description('Recover a soft-deleted vault of this name (after azd down) instead of creating one.')
param recover bool = false

@secure()
@description('Secret name to value; an empty value leaves that secret as it is (or absent).')
param secretValues object

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    createMode: recover ? 'recover' : 'default'
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = [
  for item in items(secretValues): if (!empty(item.value)) {
    parent: vault
    name: item.key
    properties: {
      value: item.value
    }
  }
]

output name string = vault.name
output uri string = vault.properties.vaultUri
