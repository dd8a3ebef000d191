// The CRM service (azd service "api"): HTTPS ingress, scale to zero, woken by requests and by work queues.
param name string
param location string
param tags object
param environmentId string
param identityId string
param registryServer string
param image string
param cpu string
param memory string

@description('The port the container listens on (ASPNETCORE_HTTP_PORTS in the Dockerfile).')
param targetPort int = 8080

@minValue(1)
@maxValue(300)
param maxReplicas int

param storageAccountName string

@description('Queues whose messages wake the app: one KEDA azure-queue rule each, authenticated with the identity.')
param workQueues string[]

@description('The Durable Task hub\'s control and work-item queues: one KEDA azure-queue rule each, counting visible messages only.')
param taskHubQueues string[]

@description('Visible messages per replica the queue rules aim for.')
param messagesPerReplica int

@description('The vault the secrets live in (its URI, ending in a slash).')
param keyVaultUri string

@description('Key Vault secrets to reference, by name; each becomes a Container Apps secret of the same name, read with the identity.')
param secretNames string[]

@description('Environment variables: name with value or secretRef.')
param env object[]

@description('Seconds between SIGTERM and SIGKILL: longer than the app\'s shutdown timeout (30 s) plus its message release grace (5 s).')
param terminationGracePeriodSeconds int = 60

var queueRules = [
  for queue in workQueues: {
    name: 'queue-${queue}'
    custom: {
      type: 'azure-queue'
      identity: identityId
      metadata: {
        accountName: storageAccountName
        queueName: queue
        queueLength: string(messagesPerReplica)
      }
    }
  }
]

// A durable timer is a control-queue message hidden until it is due. Counting only visible messages ('visibleonly')
// lets the app sleep while approvals wait days for a reminder, and wakes it when the timer comes due.
var taskHubRules = [
  for queue in taskHubQueues: {
    name: 'taskhub-${queue}'
    custom: {
      type: 'azure-queue'
      identity: identityId
      metadata: {
        accountName: storageAccountName
        queueName: queue
        queueLength: string(messagesPerReplica)
        queueLengthStrategy: 'visibleonly'
      }
    }
  }
]

var httpRule = {
  name: 'http'
  http: {
    metadata: {
      concurrentRequests: '50'
    }
  }
}

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: targetPort
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        for secret in secretNames: {
          name: secret
          keyVaultUrl: '${keyVaultUri}secrets/${secret}'
          identity: identityId
        }
      ]
    }
    template: {
      terminationGracePeriodSeconds: terminationGracePeriodSeconds
      containers: [
        {
          name: 'api'
          image: image
          env: env
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          probes: [
            {
              // Up to 50 s to start: a first attempt at storage that fails takes ~6 s of retries.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: targetPort
              }
              initialDelaySeconds: 1
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: targetPort
              }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 3
            }
            {
              // /readyz checks Table storage with a 5 s budget of its own.
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: targetPort
              }
              periodSeconds: 10
              timeoutSeconds: 7
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: maxReplicas
        cooldownPeriod: 300
        pollingInterval: 30
        rules: concat([httpRule], queueRules, taskHubRules)
      }
    }
  }
}

output name string = app.name
output uri string = 'https://${app.properties.configuration.ingress.fqdn}'
