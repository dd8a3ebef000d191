// The image the api container app runs now, so that re-provisioning keeps what azd deployed last; a
// placeholder before the first deploy. The scheduled jobs run the same image.
param containerAppName string
param exists bool
param placeholderImage string

resource app 'Microsoft.App/containerApps@2025-01-01' existing = if (exists) {
  name: containerAppName
}

output image string = exists ? app!.properties.template.containers[0].image : placeholderImage
