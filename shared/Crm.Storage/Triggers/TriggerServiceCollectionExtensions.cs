using System.Text.RegularExpressions;
using Crm.Storage.Records;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Storage.Triggers;

/// <summary>
/// Registers the parts of the Azure Functions host we replace: queue listeners and timer jobs.
/// Needs <c>AddCrmStorageClients</c> for the storage clients and names.
/// </summary>
public static partial class TriggerServiceCollectionExtensions
{
    /// <summary>Queue options (from host.json), the sender and the in-process wake-ups.</summary>
    public static IServiceCollection AddQueueRuntime(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(QueueClients)))
        {
            return services;
        }
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueOptions>, QueueOptionsValidation>();
        services.AddTriggerOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<QueueWakeups>();
        services.TryAddSingleton<QueueClients>();
        services.TryAddSingleton<IQueueSender, QueueSender>();
        return services;
    }

    /// <summary>
    /// Listens on <paramref name="queueName"/> (before the storage prefix) for <typeparamref name="TMessage"/>.
    /// One message type per queue: two listeners on one queue would take each other's messages.
    /// </summary>
    public static IServiceCollection AddQueueHandler<TMessage, THandler>(this IServiceCollection services, string queueName)
        where TMessage : IQueueMessage
        where THandler : class, IQueueHandler<TMessage>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        if (services.Any(d => d.ImplementationInstance is QueueBinding other && other.QueueName == queueName))
        {
            throw new InvalidOperationException($"Queue '{queueName}' already has a handler; a queue carries one message type.");
        }
        services.AddQueueRuntime();
        var binding = new QueueBinding<TMessage, THandler>(queueName);
        services.AddSingleton<QueueBinding>(binding);
        services.TryAddScoped<THandler>();
        // Not AddHostedService: it de-duplicates by implementation type, and every queue has its own listener.
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueListener>(sp, binding));
        return services;
    }

    /// <summary>The scheduler, the jobruns table and <see cref="TimerJobRunner"/>, even with no jobs registered yet.</summary>
    public static IServiceCollection AddTimerRuntime(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(JobRunStore)))
        {
            return services;
        }
        services.AddTriggerOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobRunStore>();
        services.AddTable(JobRunStore.TableName);
        services.TryAddSingleton<TimerJobExecutor>();
        services.TryAddSingleton(sp => new TimerJobRunner(
            sp.GetServices<TimerJobRegistration>(),
            sp.GetRequiredService<TimerJobExecutor>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TimerJobRunner>>()));
        services.AddHostedService<TimerScheduler>();
        return services;
    }

    /// <summary>
    /// Runs <typeparamref name="TJob"/> on the schedule host.json gives <paramref name="name"/> (Quartz syntax, UTC;
    /// see <see cref="TimerJobRegistration"/>); the service does not start without one.
    /// </summary>
    public static IServiceCollection AddTimerJob<TJob>(this IServiceCollection services, string name)
        where TJob : class, ITimerJob
    {
        // The name is a table row key and a configuration key: no '/', '#', '?' or ':'.
        if (string.IsNullOrEmpty(name) || !JobName().IsMatch(name))
        {
            throw new ArgumentException($"Job name '{name}' must be letters, digits, '-', '_' or '.'", nameof(name));
        }
        if (services.Any(d => d.ImplementationInstance is TimerJobRegistration other && string.Equals(other.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A timer job named '{name}' is already registered.");
        }
        var registration = new TimerJobRegistration(name, typeof(TJob));
        services.AddTimerRuntime();
        services.AddSingleton(registration);
        services.TryAddScoped<TJob>();
        return services;
    }

    private static void AddTriggerOptions(this IServiceCollection services)
    {
        // Called by both runtimes; binding the same section twice is harmless.
        services.AddOptions<TriggerOptions>().BindConfiguration(TriggerOptions.Section);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex JobName();

    private sealed class QueueOptionsValidation : IValidateOptions<QueueOptions>
    {
        public ValidateOptionsResult Validate(string? name, QueueOptions options)
        {
            var problems = options.Problems().Select(p => $"{QueueOptions.Section}: {p}").ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
