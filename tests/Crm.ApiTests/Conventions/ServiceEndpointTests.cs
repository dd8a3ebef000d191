using System.Net;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>Health, OpenAPI document, reference page, and what unknown routes answer.</summary>
public sealed class ServiceEndpointTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [Fact]
    public async Task UnknownRouteAnswersNotFoundProblem()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.GetAsync("/api/v1/no-such-things")).ExpectProblemAsync(HttpStatusCode.NotFound, "route.not_found");
        await (await tenant.Admin.PostJsonAsync("/api/v1/no-such-things", "{}")).ExpectProblemAsync(HttpStatusCode.NotFound, "route.not_found");
        await (await tenant.Admin.GetAsync("/api/v2/departments")).ExpectProblemAsync(HttpStatusCode.NotFound, "route.not_found");
    }

    [Fact]
    public async Task UnknownRouteAnswersNotAuthenticatedToAnonymousCallers()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/no-such-things");
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Unauthorized });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WrongMethodAnswersProblem()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.SendAsync(HttpMethod.Put, $"/api/v1/departments/{tenant.OfficeId}", new { name = "Put" });
        await response.ExpectProblemAsync(HttpStatusCode.MethodNotAllowed, "route.method_not_allowed");
    }

    [Fact]
    public async Task HealthzAnswersOkWithoutSignIn()
    {
        var health = await app.CreateClient().GetJsonAsync("/healthz");
        Assert.Equal("ok", health.Str("status"));
    }

    [Fact]
    public async Task ReadyzAnswersOkWhenStorageIsReachable()
    {
        var ready = await app.CreateClient().GetJsonAsync("/readyz");
        Assert.Equal("ok", ready.Str("status"));
    }

    [Fact]
    public async Task OpenApiDocumentIsVersion31AndEveryOperationHasIdAndSummary()
    {
        var document = await app.CreateClient().GetJsonAsync("/openapi/v1.json");
        Assert.StartsWith("3.1", document.Str("openapi"), StringComparison.Ordinal);

        var operations = new List<(string Path, string Method, JsonElement Operation)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
            {
                operations.Add((path.Name, method.Name, method.Value));
            }
        }
        Assert.True(operations.Count >= 20, $"only {operations.Count} operations documented");

        var missing = operations
            .Where(o => !o.Operation.TryGetProperty("operationId", out var id) || string.IsNullOrWhiteSpace(id.GetString())
                || !o.Operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}")
            .ToList();
        Assert.True(missing.Count == 0, "without operationId or summary: " + string.Join(", ", missing));

        var ids = operations.Select(o => o.Operation.Str("operationId")).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var expected in new[] { "CreateDepartment", "GetDepartmentTree", "ListUsers", "IssueToken", "ListAuditLogs", "ListEvents", "RestoreRecord", "CreateTenant", "Ready" })
        {
            Assert.Contains(expected, ids);
        }
    }

    [Fact]
    public async Task OpenApiDocumentDeclaresProblemResponses()
    {
        var document = await app.CreateClient().GetJsonAsync("/openapi/v1.json");
        var create = document.GetProperty("paths").GetProperty("/api/v1/departments").GetProperty("post");
        var responses = create.GetProperty("responses");
        foreach (var status in new[] { "201", "400", "401", "403", "409", "429" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"CreateDepartment does not document {status}");
        }
        Assert.True(responses.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task DocsServesInteractiveReference()
    {
        var response = await app.CreateClient().GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("CRM API reference", html, StringComparison.Ordinal);
    }
}
