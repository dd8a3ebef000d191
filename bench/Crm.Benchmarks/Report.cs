using System.Globalization;
using System.Text;

namespace Crm.Benchmarks;

/// <summary>Prints the figures as plain-text tables, and the ratios against their targets.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly StringBuilder _out = new();
    private readonly List<(string Check, string Value, string Target, bool? Pass)> _checks = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<Measurement> Raw { get; set; } = [];
    public IReadOnlyList<Measurement> Api { get; set; } = [];
    public string? CreateCost { get; set; }
    public string? UpdateCost { get; set; }
    public string? DeleteCost { get; set; }
    public ListResults? Lists { get; set; }
    public MemoryResult? Memory { get; set; }
    public SalesResults? Sales { get; set; }
    public ImportFigures? Import { get; set; }
    public QuoteResults? Quotes { get; set; }
    public ApprovalResults? Approvals { get; set; }
    public WebhookResults? Webhooks { get; set; }
    public List<string> Failures { get; } = [];
    public string LoadAtStart { get; } = LoadAverage();

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public string Render(string storage, TimeSpan took)
    {
        Line($"CRM benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  .NET {Environment.Version}  {Environment.ProcessorCount} CPUs  storage: {storage}");
        // scripts/azurite.sh starts Azurite with its range-seek shim unless CRM_AZURITE_SEEK=off; this process shares that setting.
        Line(Environment.GetEnvironmentVariable("CRM_AZURITE_SEEK") is "off"
            ? "Azurite as published: every query filters every row of its table (CRM_AZURITE_SEEK=off)"
            : "Azurite started by scripts/azurite.sh seeks to a query's key range like Azure Tables (scripts/azurite-seek.js; CRM_AZURITE_SEEK=off for the published behaviour)");
        Line($"load average (1/5/15 min) at start {LoadAtStart}, at end {LoadAverage()}: other work on this machine shares the CPUs");
        Line($"closed loop: each client sends its next request when the previous answer arrives; {F(options.Seconds)} s measured after {F(options.Warmup)} s warm-up per row");
        Line();
        if (Raw.Count > 0)
        {
            Line($"1. Raw Azure SDK (TableClient), one partition per kind; each entity like a department's record row ({RawStorageBench.JsonChars} chars of JSON + Name + Deleted)");
            Table(Raw);
        }
        if (Api.Count > 0)
        {
            Line("2. API over HTTP (Kestrel on 127.0.0.1, same process as the clients), one tenant");
            Table(Api);
            foreach (var (what, cost) in new[] { ("create (POST)", CreateCost), ("update (PATCH description)", UpdateCost), ("delete (DELETE)", DeleteCost) })
            {
                if (cost is not null)
                {
                    Line($"   one {what}, counted alone: {cost}");
                }
            }
            Line();
        }
        if (Lists is { } lists)
        {
            Line($"3. List latency, GET /api/v1/departments?limit=50 (newest change first), 1 client, {F(options.ListSeconds)} s per row");
            foreach (var f in lists.Figures)
            {
                Line($"   Tenant '{f.Label}', {f.Records:N0} departments");
                Table([f.First, f.Deep], showThroughput: false, notes: false);
                Line($"     storage per first page: {f.FirstCost}");
                Line($"     storage per deep page:  {f.DeepCost}");
                Line();
            }
            Line($"   Seeding with RecordStore<Department>.CreateAsync, {options.SeedParallelism} concurrent (the rows an API create writes):");
            foreach (var s in lists.Seeds)
            {
                var reached = s.Records < s.Target ? $"  (stopped by the {F(options.SeedSeconds)} s budget; {s.Target:N0} asked)" : "";
                Line($"     {s.Tenant,-6} {s.Records,9:N0} records in {s.Seconds,7:F1} s = {s.RecordsPerSecond,6:F0} records/s{reached}");
                if (s.Slices.Count > 1)
                {
                    Line("            records/s by partition size: " + string.Join(", ", s.Slices.OrderBy(x => x.UpTo).Select(x => $"{x.UpTo / 1000}k {x.PerSecond:F0}")));
                }
            }
            if (lists.Census is { } c)
            {
                Line($"   Rows in the small tenant's partition: {c.Total:N0} for {c.Records:N0} departments = {(double)c.Total / c.Records:F2} rows per department:");
                Line("     " + string.Join("  ", c.Kinds.Select(k => $"{k.Kind} {k.Rows:N0}")));
            }
            Line();
        }
        if (Sales is { } sales)
        {
            Line($"6. Sales (issue 4): a rep (scope self) who owns every tenth customer, 1 client, {F(options.ListSeconds)} s per row");
            foreach (var f in sales.Lists)
            {
                Line($"   {f.Customers:N0} customers in the tenant ({f.Mine:N0} the rep's); seeded in {f.Seed.Seconds:F1} s = {f.Seed.RecordsPerSecond:F0} customers/s");
                Table([f.MyPage, f.Prefix], showThroughput: false, notes: false);
                Line($"     storage per 'my customers' page: {f.MyPageCost}");
                Line($"     storage per prefix search:       {f.PrefixCost}");
            }
            Line();
        }
        if (Import is { } import)
        {
            Line($"7. Import of {import.Rows:N0} customers (CSV, POST /api/v1/imports to the job's end, a service and tables of its own):");
            Line($"   {import.Status}{(import.Status == "running" ? $" when the {F(options.ImportSeconds)} s budget ran out" : "")}, {import.Created:N0} created in {import.Seconds:F1} s = {import.RowsPerSecond:F0} rows/s");
            Line();
        }
        if (Quotes is { } quotes)
        {
            Line($"8. Quotes of {quotes.Lines} lines (issue 12): POST /api/v1/quotes (priced, numbered) and GET /api/v1/quotes/{{id}}");
            Table(quotes.Figures);
            Line($"   one create, counted alone: {quotes.CreateCost}");
            Line($"   one read, counted alone:   {quotes.ReadCost}");
            Line();
        }
        if (Approvals is { } a)
        {
            Line("9. Approvals (issue 13): one-step contract approvals through HTTP, orchestrated by the worker in this process");
            Line($"   submit → approve → contract active, {a.Sequential} one after another: p50 {a.P50Ms:F0} ms, p95 {a.P95Ms:F0} ms");
            Line($"   {a.Concurrent:N0} submitted at once (32 clients): {a.SubmitSeconds:F1} s = {a.Concurrent / a.SubmitSeconds:F0}/s; held waiting: {a.WaitingMemoryMb:F1} MB managed heap");
            Line($"   all approved at once and settled (contract active): {a.SettleSeconds:F1} s = {a.Concurrent / a.SettleSeconds:F0}/s; failed: {a.Failed}");
            Line();
        }
        if (Webhooks is { } w)
        {
            Line($"10. Webhooks (issue 14): {w.Subscriptions} subscriptions of one tenant to a receiver in this process (Kestrel, loopback)");
            Line($"   {w.Changes:N0} customers created by 8 clients in {w.CreateSeconds:F1} s → {w.Deliveries:N0} signed deliveries in {w.Seconds:F1} s = {w.Deliveries / w.Seconds:F0} deliveries/s");
            Line($"   lag from the change (event time) to its delivery: p50 {w.P50Ms:F0} ms, p95 {w.P95Ms:F0} ms, max {w.MaxMs:F0} ms; missing {w.Missing}, duplicates {w.Duplicates}");
            Line();
        }
        if (Memory is { } m)
        {
            Line($"5. Service at rest (separate process, Release build): ready after {m.StartupSeconds:F1} s, {m.Requests} requests, then {F(options.IdleSeconds)} s idle");
            Line($"   VmRSS {m.RssKiB / 1024.0:F1} MB (peak VmHWM {m.PeakRssKiB / 1024.0:F1} MB)");
            Line();
        }
        Checks();
        Line($"4. Targets{(Memory is null ? "" : " (and 5)")}");
        Line($"   {"Check",-72} {"Value",10} {"Target",8}  Result");
        foreach (var (check, value, target, pass) in _checks)
        {
            Line($"   {check,-72} {value,10} {target,8}  {(pass is null ? (target.Length == 0 ? "" : "n/a") : pass.Value ? "PASS" : "FAIL")}");
        }
        foreach (var note in _notes)
        {
            Line($"   {note}");
        }
        foreach (var failure in Failures)
        {
            Line($"   ERROR {failure}");
        }
        Line();
        Line($"total run time {took.TotalSeconds:F0} s");
        return _out.ToString();
    }

    private void Checks()
    {
        var rawInsert = Find(Raw, options.Clients, "insert");
        var apiCreate = Find(Api, options.Clients, "create");
        Check($"API create / raw insert throughput, {options.Clients} clients", apiCreate?.OpsPerSecond, rawInsert?.OpsPerSecond, r => r >= 0.5, "≥ 0.5");
        Check($"  (info) API create / raw 10-row EGT throughput, {options.Clients} clients", apiCreate?.OpsPerSecond, Find(Raw, options.Clients, "EGT")?.OpsPerSecond, null, "");
        foreach (var clients in new[] { 1, options.Clients })
        {
            Check($"API get p50 / raw point-read p50, {clients} client(s)", Find(Api, clients, "get")?.P50, Find(Raw, clients, "read")?.P50, r => r <= 2, "≤ 2");
        }
        if (Lists is { Small: { } small, Large: { } large })
        {
            var sizes = $"{large.Records:N0} / {small.Records:N0} records" + (large.Records <= options.Records ? "*" : "");
            Check($"list first page p50, {sizes}", large.First.P50, small.First.P50, r => r <= 1.3, "≤ 1.3");
            Check($"list deep page p50, {sizes}", large.Deep.P50, small.Deep.P50, r => r <= 1.3, "≤ 1.3");
            Check($"  (info) list first page p50, small tenant with / without the large in its table",
                Lists.Figures.Count > 2 ? Lists.Figures[2].First.P50 : null, small.First.P50, null, "");
            if (large.Records <= options.Records)
            {
                _notes.Add($"* the large tenant has {large.Records:N0} departments, not the {options.Records:N0} asked: seeding stopped at its time budget (--seed-seconds).");
            }
        }
        if (Sales is { Lists: [{ } smallSales, { } largeSales, ..] })
        {
            var sizes = $"{largeSales.Customers:N0} / {smallSales.Customers:N0} customers";
            Check($"  (info) 'my customers' first page p50, {sizes}", largeSales.MyPage.P50, smallSales.MyPage.P50, null, "");
            Check($"  (info) name prefix search p50, {sizes}", largeSales.Prefix.P50, smallSales.Prefix.P50, null, "");
        }
        if (Import is { } import)
        {
            _checks.Add(($"import of {import.Rows:N0} customers, seconds", import.Seconds.ToString("F0", CultureInfo.InvariantCulture), "< 60",
                import.Status == "succeeded" && import.Created == import.Rows && import.Seconds < 60));
        }
        if (Webhooks is { } w)
        {
            Line($"10. Webhooks (issue 14): {w.Subscriptions} subscriptions of one tenant to a receiver in this process (Kestrel, loopback)");
            Line($"   {w.Changes:N0} customers created by 8 clients in {w.CreateSeconds:F1} s → {w.Deliveries:N0} signed deliveries in {w.Seconds:F1} s = {w.Deliveries / w.Seconds:F0} deliveries/s");
            Line($"   lag from the change (event time) to its delivery: p50 {w.P50Ms:F0} ms, p95 {w.P95Ms:F0} ms, max {w.MaxMs:F0} ms; missing {w.Missing}, duplicates {w.Duplicates}");
            Line();
        }
        if (Memory is { } m)
        {
            var mb = m.RssKiB / 1024.0;
            _checks.Add(("service RSS at rest, MB", mb.ToString("F1", CultureInfo.InvariantCulture), "< 250", mb < 250));
        }
    }

    private void Check(string name, double? numerator, double? denominator, Func<double, bool>? pass, string target)
    {
        if (numerator is not { } n || denominator is not { } d || d == 0 || double.IsNaN(n) || double.IsNaN(d))
        {
            _checks.Add((name, "-", target, null));
            return;
        }
        var ratio = n / d;
        _checks.Add((name, ratio.ToString("F2", CultureInfo.InvariantCulture), target, pass?.Invoke(ratio)));
    }

    private static Measurement? Find(IReadOnlyList<Measurement> list, int clients, string word) =>
        list.FirstOrDefault(m => m.Clients == clients && m.Name.Contains(word, StringComparison.OrdinalIgnoreCase));

    private void Table(IReadOnlyList<Measurement> rows, bool showThroughput = true, bool notes = true)
    {
        var width = Math.Max(24, rows.Max(r => r.Name.Length));
        Line($"   {"Operation".PadRight(width)} {"Clients",7} {"Ops",8} {"Errors",6} {(showThroughput ? "ops/s" : ""),8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
        foreach (var r in rows)
        {
            Line($"   {r.Name.PadRight(width)} {r.Clients,7} {r.Ops,8:N0} {r.Errors,6} {(showThroughput ? F(r.OpsPerSecond) : ""),8} {F(r.P50),8} {F(r.P95),8} {F(r.P99),8}");
            if (notes && r.Note is { } note)
            {
                Line($"     {note}");
            }
            if (r.FirstError is { } error && r.Errors > 0)
            {
                Line($"     first error: {error[..Math.Min(error.Length, 300)]}");
            }
        }
        Line();
    }

    private static string F(double value) => double.IsNaN(value) ? "-" : value.ToString(value >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);

    private void Line(string text = "") => _out.AppendLine(text);
}
