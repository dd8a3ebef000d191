// The CRM on Azure Container Apps, for `azd up`: one resource group per azd environment holding the
// service (scales to zero), its scheduled timer jobs, storage without account keys, Key Vault,
// the container registry and monitoring. Local modules only, so it compiles offline.
targetScope = 'subscription'

import { timerJob } from 'types.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (AZURE_ENV_NAME); names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource (AZURE_LOCATION).')
param location string

@description('Object id of the user or service principal running azd (AZURE_PRINCIPAL_ID): gets the data and secret roles operators need. Empty grants nothing.')
param principalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
@description('What principalId is: a user signed in with azd auth login, or a pipeline\'s service principal.')
param principalType string = 'User'

@description('True once azd has deployed the api service (SERVICE_API_RESOURCE_EXISTS): re-provisioning then keeps the deployed image.')
param apiExists bool = false

@minValue(1)
@maxValue(300)
@description('Most replicas the api scales out to.')
param apiMaxReplicas int = 10

@description('vCPU per replica and per job execution (Consumption: 0.25 to 4, memory 2 GiB per vCPU).')
param apiCpu string = '0.5'

param apiMemory string = '1Gi'

@description('Storage queues whose messages must wake the app from zero: one KEDA azure-queue rule each. One line per queue the app listens on (StorageOptions.Queue, no prefix in Azure).')
param workQueues string[] = [
  'outbox' // change events waiting to be moved into the change feed
  'webhooks' // webhook deliveries to attempt (PumpWebhookDeliveries)
  'imports' // import jobs (RunImport)
  'exports' // export jobs (RunExport)
  'sort-indexes' // backfills of custom fields made sortable (BuildSortIndex)
]

@description('The Durable Task hub\'s queues (Orchestrations:TaskHub "crm", Orchestrations:PartitionCount 4, ADR 0007): one control queue per partition (events, timers, orchestrator steps) and the work-item queue (activities). Each gets a KEDA rule, so a due timer or a raised event wakes the worker from zero.')
param taskHubQueues string[] = [
  'crm-control-00'
  'crm-control-01'
  'crm-control-02'
  'crm-control-03'
  'crm-workitems'
]

@description('Visible messages per replica the queue rules aim for (the listener fetches 16 at a time).')
param messagesPerReplica int = 16

@description('Origins of browser front ends allowed to call the API (CORS), comma-separated, e.g. https://crm.example.com. Empty: none. "*" is refused at start (the API takes credentials).')
param corsAllowedOrigins string = ''

@description('Recover the soft-deleted Key Vault of this environment (after azd down, while purge protection keeps its name) instead of creating a new one.')
param recoverKeyVault bool = false

@secure()
@description('JWT signing key. azd passes the one already in Key Vault (secretOrRandomPassword); when that is shorter than 32 characters (a first run) fresh randomness is appended.')
param jwtSigningKey string = ''

@secure()
@description('Platform key (CRM_PLATFORM_KEY) for POST /api/v1/tenants; kept in Key Vault like the signing key.')
param platformKey string = ''

@secure()
@description('SendGrid API key (SENDGRID_API_KEY); empty leaves it out.')
param sendGridApiKey string = ''

@secure()
@description('Twilio account SID (TWILIO_ACCOUNT_SID); empty leaves it out.')
param twilioAccountSid string = ''

@secure()
@description('Twilio auth token (TWILIO_AUTH_TOKEN); empty leaves it out.')
param twilioAuthToken string = ''

@secure()
@description('Microsoft Graph client secret (GRAPH_CLIENT_SECRET); empty leaves it out.')
param graphClientSecret string = ''

@secure()
@description('Randomness for a generated signing key. Leave the default.')
param jwtSigningKeySeed string = newGuid()

@secure()
@description('Randomness for a generated platform key. Leave the default.')
param platformKeySeed string = newGuid()

// The app's timer jobs (host.json "jobs", Quartz with seconds) as 5-field cron in UTC.
var timerJobs timerJob[] = [
  { name: 'recycle-bin-purge', cron: '15 3 * * *', timeoutSeconds: 1800 } // 0 15 3 * * ?
  { name: 'outbox-sweep', cron: '*/5 * * * *', timeoutSeconds: 240 } // 0 0/5 * * * ?
  { name: 'webhook-sweep', cron: '* * * * *', timeoutSeconds: 55 } // 0 * * * * ?
  { name: 'webhook-log-retention', cron: '50 3 * * *', timeoutSeconds: 1800 } // 0 50 3 * * ?
  { name: 'event-feed-retention', cron: '45 3 * * *', timeoutSeconds: 1800 } // 0 45 3 * * ?
  { name: 'followup-reminders', cron: '* * * * *', timeoutSeconds: 55 } // 0 * * * * ?
  { name: 'pool-rules', cron: '30 2 * * *', timeoutSeconds: 1800 } // 0 30 2 * * ?
  { name: 'transfer-file-expiry', cron: '30 4 * * *', timeoutSeconds: 1800 } // 0 30 4 * * ?
  { name: 'upload-session-expiry', cron: '40 4 * * *', timeoutSeconds: 1800 } // 0 40 4 * * ?
  { name: 'purchase-receipts', cron: '*/5 * * * *', timeoutSeconds: 240 } // 0 0/5 * * * ?
  { name: 'shipment-dispatches', cron: '*/5 * * * *', timeoutSeconds: 240 } // 0 0/5 * * * ?
  { name: 'shipment-schedules', cron: '*/5 * * * *', timeoutSeconds: 240 } // 0 0/5 * * * ?
  { name: 'inventory-reconciliation', cron: '15 4 * * *', timeoutSeconds: 1800 } // 0 15 4 * * ?
  { name: 'approval-sweep', cron: '1-59/5 * * * *', timeoutSeconds: 240 } // 0 1/5 * * * ?
  { name: 'payment-reminders', cron: '0 1 * * *', timeoutSeconds: 1800 } // 0 0 1 * * ?
  { name: 'task-reminders', cron: '* * * * *', timeoutSeconds: 55 } // 0 * * * * ?
  { name: 'calendar-reminders', cron: '* * * * *', timeoutSeconds: 55 } // 0 * * * * ?
]

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var apiName = '${abbrs.appContainerApps}api-${resourceToken}'
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

// Built-in role definitions.
var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  acrPush: '8311e382-0749-4cb8-b61a-304f252e45ec'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
var storageDataRoles = [
  roles.storageTableDataContributor
  roles.storageQueueDataContributor
  roles.storageBlobDataContributor
]

// Secrets: Key Vault secret name, the app setting it becomes, and its value (empty: not configured).
var secretSettings = [
  {
    secret: 'jwt-signing-key'
    setting: 'Auth__SigningKey'
    value: length(jwtSigningKey) >= 32 ? jwtSigningKey : '${jwtSigningKey}${jwtSigningKeySeed}'
  }
  {
    secret: 'crm-platform-key'
    setting: 'CRM_PLATFORM_KEY'
    value: length(platformKey) >= 32 ? platformKey : '${platformKey}${platformKeySeed}'
  }
  { secret: 'sendgrid-api-key', setting: 'SendGrid__ApiKey', value: sendGridApiKey }
  { secret: 'twilio-account-sid', setting: 'Twilio__AccountSid', value: twilioAccountSid }
  { secret: 'twilio-auth-token', setting: 'Twilio__AuthToken', value: twilioAuthToken }
  { secret: 'graph-client-secret', setting: 'Graph__ClientSecret', value: graphClientSecret }
]
var configuredSecrets = filter(secretSettings, s => !empty(s.value))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    // The task hub's queues too: the app would create them, but KEDA watches them from the first deployment.
    queues: concat(flatten(map(workQueues, q => [q, '${q}-poison'])), taskHubQueues)
  }
}

module registry 'core/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: '${abbrs.containerRegistryRegistries}${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'core/keyvault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    recover: recoverKeyVault
    secretValues: toObject(secretSettings, s => s.secret, s => s.value)
  }
}

module appRoles 'core/role-assignments.bicep' = {
  name: 'app-roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storage.outputs.name
    storageRoleIds: storageDataRoles
    keyVaultName: keyVault.outputs.name
    keyVaultRoleIds: [roles.keyVaultSecretsUser]
    registryName: registry.outputs.name
    registryRoleIds: [roles.acrPull]
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    applicationInsightsRoleIds: [roles.monitoringMetricsPublisher]
  }
}

// The operator running azd: reads and sets secrets (and azd reads the signing key back), inspects
// tables and queues (poison queues), and can push an image when a remote build falls back to a local one.
module operatorRoles 'core/role-assignments.bicep' = if (!empty(principalId)) {
  name: 'operator-roles'
  scope: rg
  params: {
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    storageRoleIds: storageDataRoles
    keyVaultName: keyVault.outputs.name
    keyVaultRoleIds: [roles.keyVaultSecretsOfficer]
    registryName: registry.outputs.name
    registryRoleIds: [roles.acrPush]
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module environment 'core/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    name: '${abbrs.appManagedEnvironments}${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module currentImage 'app/current-image.bicep' = {
  name: 'api-current-image'
  scope: rg
  params: {
    containerAppName: apiName
    exists: apiExists
    placeholderImage: placeholderImage
  }
}

// What the app and the jobs share: storage by URI with the managed identity, telemetry, secrets by reference.
var secretNames = map(configuredSecrets, s => s.secret)
var appSettings = concat(
  [
    { name: 'AZURE_CLIENT_ID', value: identity.outputs.clientId }
    { name: 'AZURE_TOKEN_CREDENTIALS', value: 'ManagedIdentityCredential' }
    { name: 'Storage__TableServiceUri', value: storage.outputs.tableEndpoint }
    { name: 'Storage__QueueServiceUri', value: storage.outputs.queueEndpoint }
    { name: 'Storage__BlobServiceUri', value: storage.outputs.blobEndpoint }
    { name: 'Triggers__Timers__Enabled', value: 'false' } // the scheduled jobs below run the timers
    { name: 'Cors__AllowedOrigins', value: corsAllowedOrigins }
    { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: monitoring.outputs.applicationInsightsConnectionString }
    { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identity.outputs.clientId}' }
  ],
  map(configuredSecrets, s => { name: s.setting, secretRef: s.secret })
)

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  dependsOn: [appRoles]
  params: {
    name: apiName
    location: location
    tags: tags
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    registryServer: registry.outputs.loginServer
    image: currentImage.outputs.image
    cpu: apiCpu
    memory: apiMemory
    maxReplicas: apiMaxReplicas
    storageAccountName: storage.outputs.name
    workQueues: workQueues
    taskHubQueues: taskHubQueues
    messagesPerReplica: messagesPerReplica
    keyVaultUri: keyVault.outputs.uri
    secretNames: secretNames
    env: appSettings
  }
}

module jobs 'app/jobs.bicep' = {
  name: 'timer-jobs'
  scope: rg
  dependsOn: [appRoles]
  params: {
    namePrefix: abbrs.appJobs
    location: location
    tags: tags
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    registryServer: registry.outputs.loginServer
    image: currentImage.outputs.image
    cpu: apiCpu
    memory: apiMemory
    jobs: timerJobs
    keyVaultUri: keyVault.outputs.uri
    secretNames: secretNames
    env: concat(appSettings, [{ name: 'Triggers__Listeners__Enabled', value: 'false' }])
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_CONTAINER_APPS_JOB_NAMES string = join(jobs.outputs.names, ' ')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
