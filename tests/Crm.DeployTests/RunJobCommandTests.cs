using System.Diagnostics;

namespace Crm.DeployTests;

/// <summary><c>run-job</c> as a scheduled job runs it: the app's own entry point, in a process of its own.</summary>
public sealed class RunJobCommandTests
{
    [Fact]
    public async Task WithoutStorageSettingsItSaysWhatIsMissingInOneLineAndExitsTwo()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Crm.Functions.dll"), "run-job", "pool-rules" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // Nothing inherited from the machine or the test run may configure storage.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Storage__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("CRM_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        var lines = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("run-job pool-rules: Storage is not configured: set Storage:ConnectionString", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", await output, StringComparison.Ordinal);
    }
}
