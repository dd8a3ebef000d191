# azd postdeploy hook (Windows): the same as sync-job-images.sh. azd deploys the new image to the
# container app only, so point the scheduled jobs at it. Needs the Azure CLI (az, signed in).
$ErrorActionPreference = 'Stop'

$image = $env:SERVICE_API_IMAGE_NAME
$jobs = $env:AZURE_CONTAINER_APPS_JOB_NAMES
$group = $env:AZURE_RESOURCE_GROUP

if (-not $image -or -not $jobs -or -not $group) {
  Write-Host 'sync-job-images: nothing to do (SERVICE_API_IMAGE_NAME, AZURE_CONTAINER_APPS_JOB_NAMES or AZURE_RESOURCE_GROUP not set).'
  exit 0
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  Write-Warning 'sync-job-images: the Azure CLI (az) is not installed; the scheduled jobs still run their previous image.'
  Write-Warning "sync-job-images: run 'azd provision' to move them to $image."
  exit 0
}
foreach ($job in ($jobs -split ' ' | Where-Object { $_ })) {
  Write-Host "sync-job-images: $job -> $image"
  az containerapp job update --name $job --resource-group $group --image $image --output none
  if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
