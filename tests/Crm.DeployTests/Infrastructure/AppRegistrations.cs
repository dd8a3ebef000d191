using Crm.Functions;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.DeployTests.Infrastructure;

/// <summary>What the app registers (read from its service collection, nothing started): the infra must match it.</summary>
public static class AppRegistrations
{
    private static readonly IServiceCollection Services =
        new ServiceCollection().AddCrmFeatures(new ConfigurationBuilder().Build());

    /// <summary>Queues the app listens on, as it names them before the storage prefix.</summary>
    public static IReadOnlyList<string> ListenedQueues { get; } =
        [.. Services.Select(d => d.ImplementationInstance).OfType<QueueBinding>().Select(b => b.QueueName).Order(StringComparer.Ordinal)];

    /// <summary>Timer jobs by name (their schedules are in host.json).</summary>
    public static IReadOnlyList<string> TimerJobs { get; } =
        [.. Services.Select(d => d.ImplementationInstance).OfType<TimerJobRegistration>().Select(r => r.Name).Order(StringComparer.Ordinal)];
}
