using System.Net;
using System.Net.Http.Json;
using System.Text;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>A host whose JSON bodies may have at most 2 KiB.</summary>
public sealed class SmallBodyApp : CrmApp
{
    public const int MaxBodyBytes = 2048;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Limits:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

public sealed class RequestLimitTests(SmallBodyApp app) : IClassFixture<SmallBodyApp>
{
    private static string Body(int bytes)
    {
        const string head = "{\"name\":\"Big\",\"description\":\"";
        const string tail = "\"}";
        return head + new string('x', bytes - head.Length - tail.Length) + tail;
    }

    [Fact]
    public async Task RefusesBodyOverTheLimitAndStoresNothing()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostJsonAsync("/api/v1/departments", Body(SmallBodyApp.MaxBodyBytes + 1));
        await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments"));
    }

    [Fact]
    public async Task AcceptsBodyAtTheLimit()
    {
        var tenant = await app.NewTenantAsync();
        // The description's own limit (500 characters) answers 400 first; what matters is that it is not 413.
        var response = await tenant.Admin.PostJsonAsync("/api/v1/departments", Body(SmallBodyApp.MaxBodyBytes));
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Small" })).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task RefusesOverLimitPatchAndBatch()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Target");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/departments/{department.Id()}")
        {
            Content = new StringContent(Body(SmallBodyApp.MaxBodyBytes * 2), Encoding.UTF8, "application/json"),
        };
        await (await tenant.Admin.SendAsync(patch)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        Assert.Equal(department.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}")).Str("version"));

        var inputs = Enumerable.Range(0, 100).Select(i => new { name = $"Batch item number {i:D3}" }).ToArray();
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments/batch/create", new { inputs })).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        Assert.Equal(2, (await tenant.Admin.ListAllAsync("/api/v1/departments")).Count);
    }

    [Fact]
    public async Task RefusesChunkedBodyOverTheLimit()
    {
        var tenant = await app.NewTenantAsync();
        var content = new PushStreamContent(Encoding.UTF8.GetBytes(Body(SmallBodyApp.MaxBodyBytes * 4)));
        var response = await tenant.Admin.PostAsync("/api/v1/departments", content);
        await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments"));
    }

    /// <summary>A JSON body sent without Content-Length.</summary>
    private sealed class PushStreamContent : HttpContent
    {
        private readonly byte[] _bytes;

        public PushStreamContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
