using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using Crm.Domain.Sales;
using Crm.Storage;
using Crm.Storage.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Benchmarks;

/// <summary>A tenant's customer list seen by one rep who owns every tenth customer, at one tenant size.</summary>
internal sealed record SalesListFigures(int Customers, int Mine, SeedResult Seed, Measurement MyPage, Measurement Prefix, string MyPageCost, string PrefixCost);

/// <summary>An import's outcome, or where it stood when the time budget ran out (status still <c>running</c>).</summary>
internal sealed record ImportFigures(int Rows, int Created, double Seconds, string Status)
{
    public double RowsPerSecond => Created / Seconds;
}

internal sealed record SalesResults(IReadOnlyList<SalesListFigures> Lists);

/// <summary>
/// Issue 4's figures: "my customers" (a rep's first page, <c>GET /api/v1/customers?limit=50</c>) and a
/// name-prefix search (<c>?q=</c>) in a small and a large tenant; and the throughput of an asynchronous
/// CSV import of customers through <c>POST /api/v1/imports</c>, measured from upload to the job's end.
/// </summary>
internal sealed class SalesBench(BenchOptions options, BenchApp app)
{
    private const string Rep = "rep";

    public async Task<SalesResults> RunAsync() => new(
    [
        await ListAsync("sales-small", options.SmallRecords, TimeSpan.MaxValue),
        await ListAsync("sales-large", options.Records, TimeSpan.FromSeconds(options.SeedSeconds)),
    ]);

    private async Task<SalesListFigures> ListAsync(string label, int count, TimeSpan budget)
    {
        var tenant = await app.NewTenantAsync(label);
        var (repId, rep) = await NewRepAsync(tenant);
        var seed = await SeedAsync(tenant, repId, count, label, budget);
        var warmup = TimeSpan.FromSeconds(Math.Min(1, options.Warmup));
        var duration = TimeSpan.FromSeconds(options.ListSeconds);
        var size = $"{seed.Records:N0} customers";
        Progress.Say($"my customers and prefix search, {size}");
        var myPage = await app.MeasureAsync($"my customers, first page, {size}", 1, warmup, duration, (_, ct) => GetAsync(rep, "/api/v1/customers?limit=50", ct));
        var myCost = await app.ProbeAsync(3, () => GetAsync(rep, "/api/v1/customers?limit=50", CancellationToken.None));
        // A prefix ten customers share whatever the tenant's size (000770 to 000779).
        var prefix = $"/api/v1/customers?limit=20&q={SampleCustomer.Name(777)[..5]}";
        var search = await app.MeasureAsync($"name prefix search, {size}", 1, warmup, duration, (_, ct) => GetAsync(tenant.Auth, prefix, ct));
        var searchCost = await app.ProbeAsync(3, () => GetAsync(tenant.Auth, prefix, CancellationToken.None));
        return new SalesListFigures(seed.Records, (seed.Records + 9) / 10, seed, myPage, search, myCost, searchCost);
    }

    /// <summary>Customers written by the engine (the rows an API create writes), every tenth owned by the rep.</summary>
    private Task<SeedResult> SeedAsync(BenchTenant tenant, string repId, int count, string label, TimeSpan budget)
    {
        var services = app.Services;
        var store = new RecordStore<Customer>(services.GetRequiredService<TableServiceClient>(), services.GetRequiredService<StorageOptions>(),
            services.GetRequiredService<RecordStore<Customer>>().Type, new ListBench.SilentNotifier());
        return ListBench.SeedAsync(options, label, "customers", count, budget, (n, ct) => store.CreateAsync(
            new WriteContext(tenant.Id, tenant.AdminUserId, "127.0.0.1", DateTimeOffset.UtcNow),
            new Customer
            {
                Name = SampleCustomer.Name(n),
                OwnerId = n % 10 == 0 ? repId : tenant.AdminUserId,
                Level = "b",
                Source = "website",
                Industry = "manufacturing",
                Phone = $"021-{50_000_000 + n}",
            }, cancellationToken: ct));
    }

    /// <summary>
    /// Uploads a CSV of new customers into a fresh tenant and waits for the job; the clock runs from the upload to the
    /// job's end (or to <see cref="BenchOptions.ImportSeconds"/>, reporting the rows created by then). Run on a service
    /// of its own, so the customers table holds only the imported tenant.
    /// </summary>
    public async Task<ImportFigures> ImportAsync(int rows)
    {
        var tenant = await app.NewTenantAsync("import");
        var csv = new StringBuilder("name,level,source,industry,phone\n");
        for (var n = 1; n <= rows; n++)
        {
            csv.Append(SampleCustomer.Name(n)).Append(",b,website,manufacturing,021-").Append(50_000_000 + n).Append('\n');
        }
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "customers.csv" },
            { new StringContent("customers"), "entityType" },
            { new StringContent("create"), "mode" },
        };
        Progress.Say($"import of {rows:N0} customers");
        var watch = Stopwatch.StartNew();
        using var request = tenant.Request(HttpMethod.Post, "/api/v1/imports");
        request.Content = form;
        using var accepted = await app.Http.SendAsync(request);
        var job = await BenchApp.Expect(accepted, HttpStatusCode.Accepted);
        var id = job.GetProperty("id").GetString()!;
        while (true)
        {
            await Task.Delay(250);
            using var poll = tenant.Request(HttpMethod.Get, $"/api/v1/imports/{id}");
            using var response = await app.Http.SendAsync(poll);
            job = await BenchApp.Expect(response, HttpStatusCode.OK);
            var status = job.GetProperty("status").GetString()!;
            if (status is "succeeded" or "failed" or "cancelled" || watch.Elapsed.TotalSeconds > options.ImportSeconds)
            {
                watch.Stop();
                Progress.Say($"import {status}: {job}");
                return new ImportFigures(rows, job.GetProperty("created").GetInt32(), watch.Elapsed.TotalSeconds, status);
            }
        }
    }

    private async Task<(string Id, AuthenticationHeaderValue Auth)> NewRepAsync(BenchTenant tenant)
    {
        using var rolesRequest = tenant.Request(HttpMethod.Get, "/api/v1/roles?limit=100");
        using var rolesResponse = await app.Http.SendAsync(rolesRequest);
        var roles = await BenchApp.Expect(rolesResponse, HttpStatusCode.OK);
        var repRole = roles.GetProperty("items").EnumerateArray()
            .Single(r => r.TryGetProperty("builtIn", out var b) && b.GetString() == "salesRep").GetProperty("id").GetString();
        using var create = tenant.Request(HttpMethod.Post, "/api/v1/users",
            new { login = Rep, password = BenchApp.Password, name = "Rep", departmentId = tenant.OfficeDepartmentId, roleIds = new[] { repRole } });
        using var created = await app.Http.SendAsync(create);
        var user = await BenchApp.Expect(created, HttpStatusCode.Created);
        using var signIn = await app.Http.PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login = Rep, password = BenchApp.Password });
        var tokens = await BenchApp.Expect(signIn, HttpStatusCode.OK);
        return (user.GetProperty("id").GetString()!, new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString()));
    }

    private async Task GetAsync(AuthenticationHeaderValue auth, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = auth;
        using var response = await app.Http.SendAsync(request, cancellationToken);
        var page = await BenchApp.Expect(response, HttpStatusCode.OK);
        if (page.GetProperty("items").GetArrayLength() == 0)
        {
            throw new InvalidOperationException($"{path} found nothing: the figure would measure an empty answer.");
        }
    }
}

/// <summary>Customer names that sort and share prefixes like a real tenant's: a number, then a company.</summary>
internal static class SampleCustomer
{
    public static string Name(int n) => $"{n:D6} Huaxin Precision Machinery Co";
}
