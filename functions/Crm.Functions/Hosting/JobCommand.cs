using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.ApplicationInsights;

namespace Crm.Functions.Hosting;

internal static class JobCommand
{
    /// <summary>Creates the tables, runs the job once, and returns the process exit code.</summary>
    public static async Task<int> RunJobAsync(this WebApplication app, string name)
    {
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
