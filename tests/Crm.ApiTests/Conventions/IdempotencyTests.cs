using System.Net;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Organisation;
using Crm.Storage.Records;

namespace Crm.ApiTests.Conventions;

/// <summary>Idempotency-Key on POST: the first answer is replayed for the same body; another body answers 422.</summary>
public sealed class IdempotencyTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string body, string key) =>
        client.SendAsync(HttpMethod.Post, url, body, ("Idempotency-Key", key));

    [Fact]
    public async Task ReplaysTheFirstAnswerAndCreatesOneRecord()
    {
        var tenant = await app.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        const string body = "{\"name\":\"Once\"}";

        var first = await PostAsync(tenant.Admin, "/api/v1/departments", body, key);
        var firstText = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var second = await PostAsync(tenant.Admin, "/api/v1/departments", body, key);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(firstText, await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Content.Headers.ContentType?.MediaType, second.Content.Headers.ContentType?.MediaType);

        var named = (await tenant.Admin.ListAllAsync("/api/v1/departments")).Where(d => d.Str("name") == "Once").ToList();
        Assert.Single(named);

        // Stored state agrees: one live department row carries the name.
        var store = app.Service<RecordStore<Department>>();
        var page = await store.ListAsync(tenant.Id, new ListQuery { Q = "Once", Limit = 10 });
        Assert.Single(page.Items);
    }

    [Fact]
    public async Task ReplaysAnErrorAnswerToo()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.CreateDepartmentAsync("Taken");
        var key = Guid.NewGuid().ToString();
        var first = await PostAsync(tenant.Admin, "/api/v1/departments", "{\"name\":\"Taken\"}", key);
        var firstProblem = await first.ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        var second = await PostAsync(tenant.Admin, "/api/v1/departments", "{\"name\":\"Taken\"}", key);
        var secondProblem = await second.ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(firstProblem.Str("traceId"), secondProblem.Str("traceId"));
    }

    [Fact]
    public async Task SameKeyWithAnotherBodyAnswersUnprocessable()
    {
        var tenant = await app.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        await (await PostAsync(tenant.Admin, "/api/v1/departments", "{\"name\":\"First\"}", key)).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(tenant.Admin, "/api/v1/departments", "{\"name\":\"Second\"}", key)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        // The same key on another endpoint is another request too.
        await (await PostAsync(tenant.Admin, "/api/v1/departments/search", "{\"name\":\"First\"}", key)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");

        var names = (await tenant.Admin.ListAllAsync("/api/v1/departments")).Select(d => d.Str("name")).ToList();
        Assert.Contains("First", names);
        Assert.DoesNotContain("Second", names);
    }

    [Fact]
    public async Task KeysBelongToTheirTenant()
    {
        var a = await app.NewTenantAsync();
        var b = await app.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        var inA = await (await PostAsync(a.Admin, "/api/v1/departments", "{\"name\":\"Shared Key\"}", key)).ExpectAsync(HttpStatusCode.Created);
        var responseB = await PostAsync(b.Admin, "/api/v1/departments", "{\"name\":\"Shared Key\"}", key);
        var inB = await responseB.ExpectAsync(HttpStatusCode.Created);
        Assert.False(responseB.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(inA.Id(), inB.Id());
        await b.Admin.GetJsonAsync($"/api/v1/departments/{inB.Id()}");
    }

    [Fact]
    public async Task DifferentKeysCreateDifferentRecords()
    {
        var tenant = await app.NewTenantAsync();
        var parent = await tenant.CreateDepartmentAsync("Parent");
        var body = $"{{\"name\":\"Child\",\"parentId\":\"{parent.Id()}\"}}";
        await (await PostAsync(tenant.Admin, "/api/v1/departments", body, Guid.NewGuid().ToString())).ExpectAsync(HttpStatusCode.Created);
        await (await PostAsync(tenant.Admin, "/api/v1/departments", body, Guid.NewGuid().ToString())).ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
    }

    [Fact]
    public async Task RefusesOverLongKey()
    {
        var tenant = await app.NewTenantAsync();
        await (await PostAsync(tenant.Admin, "/api/v1/departments", "{\"name\":\"Long Key\"}", new string('k', 256)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "idempotency.key_invalid");
        Assert.DoesNotContain(await tenant.Admin.ListAllAsync("/api/v1/departments"), d => d.Str("name") == "Long Key");
    }
}
