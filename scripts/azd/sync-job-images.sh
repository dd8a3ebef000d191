#!/bin/sh
# azd postdeploy hook: azd deploys the new image to the container app only, so point the scheduled
# jobs (infra/app/jobs.bicep) at the same image. Needs the Azure CLI (az, signed in); without it the
# jobs keep the previous image until the next `azd provision`, which reads the app's image.
set -eu

image="${SERVICE_API_IMAGE_NAME:-}"
jobs="${AZURE_CONTAINER_APPS_JOB_NAMES:-}"
group="${AZURE_RESOURCE_GROUP:-}"

if [ -z "$image" ] || [ -z "$jobs" ] || [ -z "$group" ]; then
  echo "sync-job-images: nothing to do (SERVICE_API_IMAGE_NAME, AZURE_CONTAINER_APPS_JOB_NAMES or AZURE_RESOURCE_GROUP not set)."
  exit 0
fi
if ! command -v az >/dev/null 2>&1; then
  echo "sync-job-images: warning: the Azure CLI (az) is not installed; the scheduled jobs still run their previous image." >&2
  echo "sync-job-images: run 'azd provision' to move them to $image." >&2
  exit 0
fi
for job in $jobs; do
  echo "sync-job-images: $job -> $image"
  az containerapp job update --name "$job" --resource-group "$group" --image "$image" --output none
done
