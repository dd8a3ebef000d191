@export()
@description('A timer job of the app (host.json "jobs") run by a Container Apps scheduled job.')
type timerJob = {
  @description('The job\'s name in the app: the argument of run-job.')
  name: string

  @description('Standard 5-field cron, UTC (Container Apps jobs have no seconds field, unlike the app\'s Quartz schedules).')
  cron: string

  @description('Longest an execution may run before Container Apps stops it.')
  timeoutSeconds: int
}
