using Azure.Core;
using Crm.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Orchestrations;

/// <summary>
/// Durable orchestrations (ADR 0007): the Durable Task SDK's worker and client, run through an in-process sidecar on
/// the Durable Task Framework's Azure Storage backend, in the CRM's own storage account.
/// </summary>
public static class OrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// The task hub, the sidecar and <see cref="DurableTaskClient"/> in every role; the worker too where
    /// orchestrations run (<see cref="OrchestrationOptions.Worker"/>). Needs <c>AddCrmStorageClients</c>'s storage settings.
    /// </summary>
    public static IServiceCollection AddCrmOrchestrations(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(TaskHub)))
        {
            return services;
        }
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OrchestrationOptions>, OrchestrationOptionsValidation>();
        services.AddAzureCredential(configuration);
        // Read once here: a replica's role is fixed for its life, and the worker is either registered or not.
        var role = new OrchestrationRole(WorkerEnabled(configuration));
        services.AddSingleton(role);
        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var options = sp.GetRequiredService<IOptions<OrchestrationOptions>>().Value;
            var service = TaskHubBackend.Create(storage, options, sp.GetRequiredService<TokenCredential>, sp.GetRequiredService<ILoggerFactory>());
            return new TaskHub(options.TaskHubName(storage.Prefix), service);
        });
        services.AddSingleton<OrchestrationSidecar>();
        // Before the worker's own hosted service, so the sidecar is up first and stopped last.
        services.AddHostedService(sp => sp.GetRequiredService<OrchestrationSidecar>());
        services.AddSingleton<SidecarChannel>();

        services.AddDurableTaskClient(client => client.UseGrpc(_ => { }));
        services.AddOptions<GrpcDurableTaskClientOptions>(Options.DefaultName)
            .Configure<SidecarChannel>((o, sidecar) => o.Channel = sidecar.Channel);
        if (role.RunsWorker)
        {
            services.AddDurableTaskWorker(worker => worker.UseGrpc(_ => { }));
            services.AddOptions<GrpcDurableTaskWorkerOptions>(Options.DefaultName)
                .Configure<SidecarChannel>((o, sidecar) =>
                {
                    o.Channel = sidecar.Channel;
                    // The preview sidecar sends no keep-alive pings, so the SDK would take an idle stream for a dead one
                    // (after 120 s) and reconnect, and a work item written as the old stream closes is abandoned and
                    // retried (ADR 0007). A loopback stream inside one process cannot be half-open: keep it.
                    o.SetSilentDisconnectTimeout(TimeSpan.Zero);
                    // After repeated connect failures the SDK asks for a fresh channel; only this one knows the sidecar's port.
                    o.SetChannelRecreator((channel, _) => Task.FromResult(channel));
                });
        }
        return services;
    }

    /// <summary>
    /// Registers an orchestrator under its class name (what <c>ScheduleNewOrchestrationInstanceAsync</c> names).
    /// Its code must be deterministic: see ADR 0007.
    /// </summary>
    public static IServiceCollection AddOrchestrator<TOrchestrator>(this IServiceCollection services)
        where TOrchestrator : class, ITaskOrchestrator =>
        services.Configure<DurableTaskRegistry>(registry => registry.AddOrchestrator<TOrchestrator>());

    /// <summary>
    /// Registers an activity under its class name, created per call with the app's services. Activities may run more
    /// than once for one call (a crash before its result is saved): each must be idempotent.
    /// </summary>
    public static IServiceCollection AddActivity<TActivity>(this IServiceCollection services)
        where TActivity : class, ITaskActivity =>
        services.Configure<DurableTaskRegistry>(registry => registry.AddActivity<TActivity>());

    private static bool WorkerEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool?>($"{OrchestrationOptions.Section}:Worker:Enabled")
        ?? configuration.GetValue("Triggers:Listeners:Enabled", defaultValue: true);

    private sealed class OrchestrationOptionsValidation(IOptions<StorageOptions> storage) : IValidateOptions<OrchestrationOptions>
    {
        public ValidateOptionsResult Validate(string? name, OrchestrationOptions options)
        {
            var problems = options.Problems(storage.Value.Prefix).Select(p => $"{OrchestrationOptions.Section}: {p}").ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
