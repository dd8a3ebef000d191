using System.Reflection;
using Crm.Orchestrations;
using Microsoft.DurableTask.Client;
using Crm.Storage;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.UnitTests.Orchestrations;

/// <summary>How the worker and the client reach the in-process sidecar, and which role gets which.</summary>
public sealed class SidecarConnectionTests
{
    [Fact]
    public async Task TheWorkerKeepsAnIdleStreamToTheSidecar()
    {
        // With the SDK's silence detection on, a worker idle past it drops its stream; a work item written to the
        // old stream as it closes is abandoned and retried. An experiment with a 1 s window left an instance
        // unstarted for 20 s (ADR 0007), so the hosting layer switches it off for the loopback stream.
        await using var provider = Services(worker: true).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<GrpcDurableTaskWorkerOptions>>().Get(Options.DefaultName);

        // The SDK keeps these settings internal; they are read here the way the SDK reads them.
        var internals = typeof(GrpcDurableTaskWorkerOptions).GetProperty("Internal", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.GetValue(options)!;
        Assert.Equal(TimeSpan.Zero, internals.GetType().GetProperty("SilentDisconnectTimeout")!.GetValue(internals));
        Assert.NotNull(internals.GetType().GetProperty("ChannelRecreator")!.GetValue(internals));
        Assert.NotNull(options.Channel);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "false", false)]
    [InlineData("true", "false", true)]
    [InlineData("false", null, false)]
    public async Task OrchestrationsRunWhereTheQueueListenersRunUnlessSaidOtherwise(string? workerEnabled, string? listenersEnabled, bool runsWorker)
    {
        var services = Services(new Dictionary<string, string?>
        {
            ["Orchestrations:Worker:Enabled"] = workerEnabled,
            ["Triggers:Listeners:Enabled"] = listenersEnabled,
        });
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(runsWorker, provider.GetServices<IHostedService>().OfType<DurableTaskWorker>().Any());
        // Every role can start, signal, query and terminate instances.
        Assert.NotNull(provider.GetRequiredService<DurableTaskClient>());
    }

    [Theory]
    [InlineData("crm-hub", "letters or digits")]
    [InlineData("ab", "letters or digits")]
    public async Task RefusesATaskHubNameTheBackendCannotUse(string taskHub, string problem)
    {
        await using var provider = Services(new Dictionary<string, string?> { ["Orchestrations:TaskHub"] = taskHub }).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OrchestrationOptions>>().Value);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Services(bool worker) =>
        Services(new Dictionary<string, string?> { ["Orchestrations:Worker:Enabled"] = worker ? "true" : "false" });

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        }).AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCrmStorageClients(configuration);
        services.AddCrmOrchestrations(configuration);
        return services;
    }
}
