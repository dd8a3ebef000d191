using System.Diagnostics;

namespace Crm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Crm.Benchmarks -- [--seconds 10] [--records 100000] ...</c> (<c>--help</c>).
/// Not top-level statements: their generated <c>Program</c> would clash with the service's own.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["--help" or "-h"])
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }
        var options = BenchOptions.Parse(args);
        // The report goes to standard output; anything else written to the console (the service's own
        // lines included) goes to standard error with the progress.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        var run = Guid.NewGuid().ToString("N")[..8];
        string Prefix(string part) => $"bench{run}{part}";
        var prefixes = new List<string>();
        var report = new Report(options);
        var watch = Stopwatch.StartNew();
        Progress.Say($"storage: {Describe(options.Storage)}; parts: {options.Only}");

        async Task Part(string name, Func<Task> body)
        {
            if (!options.Runs(name))
            {
                return;
            }
            try
            {
                await body();
            }
            catch (Exception e)
            {
                Progress.Say($"{name} failed: {e}");
                report.Failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        try
        {
            await Part("documents", () => DocumentBench.RunAsync(stdout));
            await Part("raw", async () =>
            {
                prefixes.Add(Prefix("raw"));
                report.Raw = await new RawStorageBench(options, Prefix("raw") + "entities").RunAsync();
            });
            await Part("api", async () =>
            {
                prefixes.Add(Prefix("api"));
                using var app = new BenchApp(options.Storage, Prefix("api"));
                app.Start();
                var api = new ApiBench(options, app);
                report.Api = await api.RunAsync();
                (report.CreateCost, report.UpdateCost, report.DeleteCost) = (api.CreateCost, api.UpdateCost, api.DeleteCost);
            });
            await Part("list", async () =>
            {
                // A service of its own, so the list tables hold only the list tenants.
                prefixes.Add(Prefix("list"));
                using var app = new BenchApp(options.Storage, Prefix("list"));
                app.Start();
                report.Lists = await new ListBench(options, app).RunAsync();
            });
            await Part("sales", async () =>
            {
                prefixes.Add(Prefix("sales"));
                using var app = new BenchApp(options.Storage, Prefix("sales"));
                app.Start();
                report.Sales = await new SalesBench(options, app).RunAsync();
            });
            await Part("ledger", () => { prefixes.Add(Prefix("ledger")); return new LedgerBench(options, Prefix("ledger")).RunAsync(); });
            await Part("import", async () =>
            {
                prefixes.Add(Prefix("import"));
                using var app = new BenchApp(options.Storage, Prefix("import"));
                app.Start();
                report.Import = await new SalesBench(options, app).ImportAsync(options.ImportRows);
            });
            await Part("quotes", async () =>
            {
                prefixes.Add(Prefix("quotes"));
                using var app = new BenchApp(options.Storage, Prefix("quotes"));
                app.Start();
                report.Quotes = await new QuoteBench(options, app).RunAsync();
            });
            await Part("approvals", async () =>
            {
                prefixes.Add(Prefix("appr"));
                using var app = new BenchApp(options.Storage, Prefix("appr"));
                app.Start();
                report.Approvals = await new ApprovalBench(app).RunAsync();
            });
            await Part("webhooks", async () =>
            {
                prefixes.Add(Prefix("hooks"));
                using var app = new BenchApp(options.Storage, Prefix("hooks"));
                app.Start();
                report.Webhooks = await new WebhookBench(app).RunAsync();
            });
            await Part("attachments", async () =>
            {
                prefixes.Add(Prefix("files"));
                using var app = new BenchApp(options.Storage, Prefix("files"));
                app.Start();
                await AttachmentBench.RunAsync(app, stdout);
            });
            await Part("memory", async () =>
            {
                prefixes.Add(Prefix("mem"));
                report.Memory = await new MemoryBench(options, Prefix("mem")).RunAsync();
            });
        }
        finally
        {
            await StorageCleanup.RunAsync(options.Storage, prefixes);
        }

        stdout.WriteLine(report.Render(Describe(options.Storage), watch.Elapsed));
        return report.Failures.Count == 0 ? 0 : 1;
    }

    private static string Describe(string connectionString) =>
        connectionString.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint=", StringComparison.OrdinalIgnoreCase))?["TableEndpoint=".Length..]
        ?? (connectionString.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) ? "(connection string without a table endpoint)" : connectionString);
}
