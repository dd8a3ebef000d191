// The timer jobs as Container Apps scheduled jobs: each execution starts the app's image with
// `run-job <name>`, runs the job once and exits, so timers fire while the app is scaled to zero.
import { timerJob } from '../types.bicep'

param namePrefix string
param location string
param tags object
param environmentId string
param identityId string
param registryServer string
param image string
param cpu string
param memory string
param jobs timerJob[]

@description('The vault the secrets live in (its URI, ending in a slash).')
param keyVaultUri string

@description('Key Vault secrets to reference, by name; each becomes a Container Apps secret of the same name, read with the identity.')
param secretNames string[]

@description('Environment variables: name with value or secretRef.')
param env object[]

resource job 'Microsoft.App/jobs@2025-01-01' = [
  for item in jobs: {
    name: '${namePrefix}${item.name}'
    location: location
    tags: tags
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
        triggerType: 'Schedule'
        scheduleTriggerConfig: {
          cronExpression: item.cron
          parallelism: 1
          replicaCompletionCount: 1
        }
        replicaTimeout: item.timeoutSeconds
        replicaRetryLimit: 1
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
        containers: [
          {
            name: 'job'
            image: image
            args: [
              'run-job'
              item.name
            ]
            env: env
            resources: {
              cpu: json(cpu)
              memory: memory
            }
          }
        ]
      }
    }
  }
]

output names string[] = [for (item, i) in jobs: job[i].name]
