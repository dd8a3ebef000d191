using System.Globalization;

namespace Crm.Benchmarks;

/// <summary>Command-line options: <c>--name value</c> pairs, all optional.</summary>
internal sealed record BenchOptions
{
    public string Storage { get; init; } = DefaultStorage();
    public double Seconds { get; init; } = 10;
    public double Warmup { get; init; } = 2;
    public int Clients { get; init; } = 16;
    public int SmallRecords { get; init; } = 1_000;
    public int Records { get; init; } = 100_000;
    public int SeedParallelism { get; init; } = 32;
    public double SeedSeconds { get; init; } = 240;
    public double ListSeconds { get; init; } = 5;
    public double IdleSeconds { get; init; } = 10;
    public int ImportRows { get; init; } = 10_000;
    public double ImportSeconds { get; init; } = 300;
    public string Only { get; init; } = "raw,api,list,sales,import,quotes,approvals,webhooks,memory";

    public bool Runs(string part) => Only.Split(',', StringSplitOptions.TrimEntries).Contains(part, StringComparer.OrdinalIgnoreCase);

    public const string Usage = """
        Crm.Benchmarks — raw Table Storage vs the CRM API, list latency vs tenant size, memory at rest.
          --seconds N          measured seconds per raw/API figure (10)
          --warmup N           warm-up seconds before each figure (2)
          --clients N          the concurrent client count besides 1 (16)
          --small-records N    records in the small list tenants (1000)
          --records N          records in the large list tenants, departments and customers (100000)
          --seed-parallelism N concurrent engine writes while seeding (32)
          --seed-seconds N     time budget for seeding the large tenant; the lists are then measured
                               at the size reached, which the report states (240)
          --list-seconds N     measured seconds per list figure (5)
          --idle-seconds N     idle time before reading the service's RSS (10)
          --import-rows N      customers in the CSV the import part uploads (10000)
          --import-seconds N   how long to wait for the import; the rate is then taken from the rows created (300)
          --only a,b           parts to run: raw, api, list, sales, import, quotes, approvals, webhooks, memory (all); also documents, attachments
        Storage: CRM_BENCH_STORAGE, else CRM_TEST_STORAGE, else UseDevelopmentStorage=true.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value.\n{Usage}");
            double Number() => double.Parse(value, CultureInfo.InvariantCulture);
            o = name switch
            {
                "--seconds" => o with { Seconds = Number() },
                "--warmup" => o with { Warmup = Number() },
                "--clients" => o with { Clients = (int)Number() },
                "--small-records" => o with { SmallRecords = (int)Number() },
                "--records" => o with { Records = (int)Number() },
                "--seed-parallelism" => o with { SeedParallelism = (int)Number() },
                "--seed-seconds" => o with { SeedSeconds = Number() },
                "--list-seconds" => o with { ListSeconds = Number() },
                "--idle-seconds" => o with { IdleSeconds = Number() },
                "--import-rows" => o with { ImportRows = (int)Number() },
                "--import-seconds" => o with { ImportSeconds = Number() },
                "--only" => o with { Only = value },
                _ => throw new ArgumentException($"Unknown option {name}.\n{Usage}"),
            };
        }
        return o;
    }

    private static string DefaultStorage() =>
        Environment.GetEnvironmentVariable("CRM_BENCH_STORAGE") is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("CRM_TEST_STORAGE") is { Length: > 0 } test ? test
        : "UseDevelopmentStorage=true";
}
