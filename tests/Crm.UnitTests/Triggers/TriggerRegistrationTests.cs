using Crm.Storage;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.UnitTests.Triggers;

/// <summary>Configuration and registration only; nothing here talks to storage.</summary>
public sealed class TriggerRegistrationTests
{
    [Fact]
    public void QueueOptionsDefaultToThoseOfAzureFunctions()
    {
        var options = Resolve<QueueOptions>(new());

        Assert.Equal(16, options.BatchSize);
        Assert.Equal(8, options.EffectiveNewBatchThreshold);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxPollingInterval);
        Assert.Equal(TimeSpan.Zero, options.VisibilityTimeout);
        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.MinPollingInterval);
    }

    [Fact]
    public void QueueOptionsAreReadFromHostJsonKeys()
    {
        var options = Resolve<QueueOptions>(new()
        {
            ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "32",
            ["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "4",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:10",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:30",
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3",
        });

        Assert.Equal(32, options.BatchSize);
        Assert.Equal(4, options.EffectiveNewBatchThreshold);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MaxPollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal(3, options.MaxDequeueCount);
    }

    [Fact]
    public void BatchSizeAboveThirtyTwoIsRejected()
    {
        var error = Assert.Throws<OptionsValidationException>(
            () => Resolve<QueueOptions>(new() { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "64" }));
        Assert.Contains("batchSize", error.Message);
    }

    [Fact]
    public async Task DisabledListenersAndTimersDoNotRun()
    {
        using var host = BuildHost(new()
        {
            ["Triggers:Listeners:Enabled"] = "false",
            ["Triggers:Timers:Enabled"] = "false",
            ["AzureFunctionsJobHost:jobs:nightly:schedule"] = "0 0 3 * * ?",
        });
        await host.StartAsync();

        // Each loop returns at once instead of polling storage.
        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        Assert.Equal(2, services.Count);
        await Eventually.HoldsAsync(() => services.All(s => s.ExecuteTask is { IsCompletedSuccessfully: true }), "both loops returned");
        await host.StopAsync();
    }

    [Fact]
    public void SecondHandlerOnTheSameQueueIsRefused()
    {
        var services = new ServiceCollection().AddQueueHandler<OrderPlaced, RecordingHandler>("orders");
        Assert.Throws<InvalidOperationException>(() => services.AddQueueHandler<OrderPlaced, IdempotentHandler>("orders"));
    }

    [Fact]
    public void JobNamesThatCannotBeKeysAreRefusedAtRegistration() =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTimerJob<RecordingJob>("night/ly"));

    /// <summary>The schedule's one source is host.json: missing, malformed, or for a job that does not exist, start-up stops and says why.</summary>
    [Theory]
    [InlineData(null, null, "has no schedule")]
    [InlineData("at night", null, "is not a Quartz cron expression")]
    [InlineData("0 0 3 * * ?", "weekly-digest", "does not have: weekly-digest")]
    public async Task StartUpStopsOnAScheduleHostJsonDoesNotGiveRight(string? schedule, string? unknownJob, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:jobs:nightly:schedule"] = schedule,
            // Timers off, as in Azure where scheduled jobs run them: the schedules are still checked.
            ["Triggers:Timers:Enabled"] = "false",
        };
        if (unknownJob is not null)
        {
            settings[$"AzureFunctionsJobHost:jobs:{unknownJob}:schedule"] = "0 0 4 * * ?";
        }
        using var host = BuildHost(settings);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static T Resolve<T>(Dictionary<string, string?> settings) where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddQueueRuntime()
            .BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["Storage:ConnectionString"] = StorageScope.ConnectionString;
        builder.Services.AddCrmStorageClients(builder.Configuration)
            .AddSingleton(new Deliveries())
            .AddSingleton(new JobLog())
            .AddQueueHandler<OrderPlaced, RecordingHandler>("orders")
            .AddTimerJob<RecordingJob>("nightly");
        return builder.Build();
    }
}
