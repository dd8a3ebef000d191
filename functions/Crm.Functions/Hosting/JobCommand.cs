using Crm.Storage;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Options;

namespace Crm.Functions.Hosting;

internal static class JobCommand
{
    /// <summary>Exit code of a job that cannot start as configured; like an unknown job's, the command cannot run as given.</summary>
    public const int NotConfigured = TimerJobRunner.UnknownJob;

    /// <summary>Creates the tables, runs the job once, and returns the process exit code.</summary>
    public static async Task<int> RunJobAsync(this WebApplication app, string name)
    {
        // An operator's missing setting is one line on stderr, not an unhandled exception's stack trace.
        try
        {
            _ = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"run-job {name}: {e.Message}");
            return NotConfigured;
        }
        using var stopping = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        await app.Services.GetRequiredService<TableInitializer>().CreateTablesAsync(stopping.Token);
        var exitCode = await app.Services.GetRequiredService<TimerJobRunner>().RunOnceAsync(name, stopping.Token);
        // The process ends here: send the job's buffered telemetry before it does.
        if (app.Services.GetService<TelemetryClient>() is { } telemetry)
        {
            await telemetry.FlushAsync(CancellationToken.None);
        }
        return exitCode;
    }
}
