using System.Text.Json.Nodes;
using Crm.DeployTests.Infrastructure;
using Quartz;

namespace Crm.DeployTests;

/// <summary>Each timer job of the app is a Container Apps scheduled job on the same schedule, running the app's image.</summary>
[Collection(BicepCollection.Name)]
public sealed class ScheduledJobInfraTests(Bicep bicep)
{
    private ArmModule JobsModule => bicep.Main.Module("jobs");

    private IReadOnlyList<(string Name, string Cron, int Timeout)> BicepJobs =>
        [.. bicep.Main.Variables["timerJobs"]!.AsArray().Select(j => ((string)j!["name"]!, (string)j["cron"]!, (int)j["timeoutSeconds"]!))];

    [Fact]
    public void EveryTimerJobOfTheAppHasAScheduledJob()
    {
        Assert.Equal(AppRegistrations.TimerJobs, BicepJobs.Select(j => j.Name).Order(StringComparer.Ordinal));
        Assert.Equal("[variables('timerJobs')]", JobsModule.Param("jobs"));
    }

    [Fact]
    public void ScheduledJobsFireWhenTheAppWouldHave()
    {
        var hostJobs = JsonNode.Parse(Repo.Read("host.json"))!["jobs"]!.AsObject();
        foreach (var (name, cron, _) in BicepJobs)
        {
            // host.json is the app's only source of schedules.
            var quartz = (string?)hostJobs[name]?["schedule"] ?? throw new Xunit.Sdk.XunitException($"host.json has no schedule for {name}");
            AssertSameOccurrences(name, quartz, cron);
        }
    }

    [Fact]
    public void JobsRunTheAppImageWithRunJob()
    {
        var job = JobsModule.Template.Resource("Microsoft.App/jobs");
        var config = job["properties"]!["configuration"]!;
        Assert.Equal("Schedule", (string?)config["triggerType"]);
        Assert.Equal("[parameters('jobs')[copyIndex()].cron]", (string?)config["scheduleTriggerConfig"]!["cronExpression"]);
        var container = job["properties"]!["template"]!["containers"]![0]!;
        Assert.Equal(["run-job", "[parameters('jobs')[copyIndex()].name]"], container["args"]!.AsArray().Select(a => (string)a!));
        Assert.Null(container["command"]);
        // The app and the jobs run the same image: the one azd deployed last.
        Assert.Equal("[reference('currentImage').outputs.image.value]", JobsModule.Param("image"));
        Assert.Equal(JobsModule.Param("image"), bicep.Main.Module("api").Param("image"));
    }

    [Fact]
    public void JobsUseTheIdentityForSecretsAndTheRegistry()
    {
        var job = JobsModule.Template.Resource("Microsoft.App/jobs");
        var config = job["properties"]!["configuration"]!;
        Assert.Equal("UserAssigned", (string?)job["identity"]!["type"]);
        var secrets = Assert.Single(config["copy"]!.AsArray(), c => (string?)c!["name"] == "secrets")!["input"]!;
        Assert.Equal("[parameters('identityId')]", (string?)secrets["identity"]);
        Assert.Null(secrets["value"]);
        Assert.Equal("[parameters('identityId')]", (string?)Assert.Single(config["registries"]!.AsArray())!["identity"]);
        // Only the app carries azd-service-name: azd would not know which resource to deploy to.
        Assert.DoesNotContain("azd-service-name", ArmTemplate.Raw(job["tags"]), StringComparison.Ordinal);
    }

    [Fact]
    public void TheInProcessSchedulerIsOffInAzure()
    {
        Assert.Contains("'Triggers__Timers__Enabled', 'value', 'false'", JobsModule.Param("env"), StringComparison.Ordinal);
        Assert.Contains("'Triggers__Listeners__Enabled', 'value', 'false'", JobsModule.Param("env"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 15 3 * * ?", "15 3 * * *")]
    [InlineData("0 0/5 * * * ?", "*/5 * * * *")]
    [InlineData("0 45 3 * * ?", "45 3 * * *")]
    public void CronConversionAgreesWithQuartz(string quartz, string standard) => AssertSameOccurrences("example", quartz, standard);

    [Fact]
    public void CronConversionNoticesADifference() =>
        Assert.ThrowsAny<Exception>(() => AssertSameOccurrences("example", "0 15 3 * * ?", "15 4 * * *"));

    /// <summary>The next few hundred occurrences of a Quartz cron and of a 5-field cron are the same instants (UTC).</summary>
    private static void AssertSameOccurrences(string job, string quartz, string standard)
    {
        var fields = standard.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(fields.Length == 5, $"{job}: '{standard}' is not a 5-field cron (Container Apps has no seconds field)");
        // Standard cron as Quartz: seconds 0, and '?' for whichever day field is unrestricted.
        var dayOfWeek = fields[4] == "*" ? "?" : fields[4];
        var dayOfMonth = fields[4] != "*" && fields[2] == "*" ? "?" : fields[2];
        var asQuartz = new CronExpression($"0 {fields[0]} {fields[1]} {dayOfMonth} {fields[3]} {dayOfWeek}", TimeZoneInfo.Utc);
        var expected = new CronExpression(quartz, TimeZoneInfo.Utc);
        DateTimeOffset? a = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), b = a;
        for (var i = 0; i < 500; i++)
        {
            a = expected.GetNextValidTimeAfter(a!.Value);
            b = asQuartz.GetNextValidTimeAfter(b!.Value);
            Assert.True(a == b, $"{job}: '{quartz}' fires at {a:o}, '{standard}' at {b:o}");
        }
    }
}
