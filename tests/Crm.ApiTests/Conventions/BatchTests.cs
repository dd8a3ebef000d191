using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>POST /{type}/batch/{create|update|read|delete}: 200 when all succeed, else 207 per item.</summary>
public sealed class BatchTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static IReadOnlyList<JsonElement> Results(JsonElement body) => body.GetProperty("results").EnumerateArray().ToList();

    [Fact]
    public async Task CreatesAllAndAnswersOk()
    {
        var tenant = await app.NewTenantAsync();
        var body = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/create",
            new { inputs = new[] { new { name = "One" }, new { name = "Two" }, new { name = "Three" } } }, HttpStatusCode.OK);
        var results = Results(body);
        Assert.Equal([0, 1, 2], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(results, r => Assert.Equal(201, r.GetProperty("status").GetInt32()));
        Assert.Equal(["One", "Two", "Three"], results.Select(r => r.GetProperty("record").Str("name")));
        foreach (var r in results)
        {
            var read = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{r.Str("id")}");
            Assert.Equal(r.GetProperty("record").Str("name"), read.Str("name"));
        }
    }

    [Fact]
    public async Task PartialFailureAnswersMultiStatusAndKeepsTheGoodItems()
    {
        var tenant = await app.NewTenantAsync();
        var existing = await tenant.CreateDepartmentAsync("Existing");
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/departments/batch/create", new
        {
            inputs = new object[]
            {
                new { name = "Good One" },
                new { name = "existing" },
                new { name = "Good Two" },
                new { name = "Good One" },
            },
        });
        var body = await response.ExpectAsync((HttpStatusCode)207);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var results = Results(body);
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal([201, 409, 201, 409], results.Select(r => r.GetProperty("status").GetInt32()));

        var error = results[1].GetProperty("error");
        Assert.Equal("department.duplicate_name", error.Str("code"));
        Assert.Equal(409, error.GetProperty("status").GetInt32());
        Assert.Equal(existing.Id(), error.Str("existingId"));
        Assert.Equal(results[0].Str("id"), results[3].GetProperty("error").Str("existingId"));
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("record").ValueKind);

        var names = (await tenant.Admin.ListAllAsync("/api/v1/departments")).Select(d => d.Str("name")).Order().ToList();
        Assert.Equal(["Existing", "Good One", "Good Two", "Office"], names);
    }

    [Fact]
    public async Task InvalidItemNamesItsFieldAndOthersAreStored()
    {
        var tenant = await app.NewTenantAsync();
        var body = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/create", new
        {
            inputs = new object[] { new { name = "Fine" }, new { name = "Bad", colour = "red" }, new { name = new string('x', 101) } },
        }, (HttpStatusCode)207);
        var results = Results(body);
        Assert.Equal([201, 400, 400], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("validation.failed", results[1].GetProperty("error").Str("code"));
        Assert.Equal(["colour"], results[1].GetProperty("error").ErrorFields());
        Assert.Equal(["name"], results[2].GetProperty("error").ErrorFields());
        Assert.Contains("Fine", (await tenant.Admin.ListAllAsync("/api/v1/departments")).Select(d => d.Str("name")));
    }

    [Fact]
    public async Task UpdatesReadsAndDeletesInBatches()
    {
        var tenant = await app.NewTenantAsync();
        var a = await tenant.CreateDepartmentAsync("A");
        var b = await tenant.CreateDepartmentAsync("B");

        var updated = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/update", new
        {
            inputs = new object[]
            {
                new { id = a.Id(), patch = new { name = "A2" }, ifMatch = a.Str("version") },
                new { id = b.Id(), patch = new { description = "bee" } },
            },
        }, HttpStatusCode.OK);
        Assert.Equal([200, 200], Results(updated).Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("A2", Results(updated)[0].GetProperty("record").Str("name"));

        var read = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/read", new { inputs = new[] { new { id = a.Id() }, new { id = b.Id() } } }, HttpStatusCode.OK);
        Assert.Equal(["A2", "B"], Results(read).Select(r => r.GetProperty("record").Str("name")));
        Assert.Equal("bee", Results(read)[1].GetProperty("record").Str("description"));

        var deleted = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/delete", new { inputs = new[] { new { id = a.Id() }, new { id = b.Id() } } }, HttpStatusCode.OK);
        Assert.Equal([204, 204], Results(deleted).Select(r => r.GetProperty("status").GetInt32()));
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{a.Id()}", HttpStatusCode.NotFound);
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{b.Id()}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PartialFailuresOfUpdateReadAndDelete()
    {
        var tenant = await app.NewTenantAsync();
        var a = await tenant.CreateDepartmentAsync("A");
        var b = await tenant.CreateDepartmentAsync("B");
        var child = await tenant.CreateDepartmentAsync("Child", b.Id());
        const string unknown = "01jzzzzzzzzzzzzzzzzzzzzzzz";

        var updated = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/update", new
        {
            inputs = new object[]
            {
                new { id = a.Id(), patch = new { name = "A2" } },
                new { id = b.Id(), patch = new { name = "B2" }, ifMatch = "stale" },
                new { id = unknown, patch = new { name = "X" } },
                new { id = child.Id(), patch = new { name = "A2" } },
            },
        }, (HttpStatusCode)207);
        var results = Results(updated);
        Assert.Equal([200, 412, 404, 200], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("record.version_mismatch", results[1].GetProperty("error").Str("code"));
        Assert.Equal("department.not_found", results[2].GetProperty("error").Str("code"));
        Assert.Equal("B", (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{b.Id()}")).Str("name"));

        var read = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/read", new { inputs = new[] { new { id = a.Id() }, new { id = unknown } } }, (HttpStatusCode)207);
        Assert.Equal([200, 404], Results(read).Select(r => r.GetProperty("status").GetInt32()));

        var deleted = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/delete", new { inputs = new[] { new { id = a.Id() }, new { id = b.Id() } } }, (HttpStatusCode)207);
        Assert.Equal([204, 409], Results(deleted).Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("department.has_children", Results(deleted)[1].GetProperty("error").Str("code"));
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{a.Id()}", HttpStatusCode.NotFound);
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{b.Id()}");
    }

    [Fact]
    public async Task CreatesUsersInBatchWithoutPasswordsInTheAnswer()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/users/batch/create", new
        {
            inputs = new object[]
            {
                new { login = "b1" + Api.Stamp(), password = "Batch-Password-1", name = "B1" },
                new { login = "b2" + Api.Stamp(), password = "short", name = "B2" },
            },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        Assert.DoesNotContain("Batch-Password-1", text, StringComparison.Ordinal);
        var results = Results(JsonDocument.Parse(text).RootElement);
        Assert.Equal([201, 400], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("password.policy", results[1].GetProperty("error").Str("code"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task RefusesEmptyOrOverLongBatch(int count)
    {
        var tenant = await app.NewTenantAsync();
        var inputs = Enumerable.Range(0, count).Select(i => new { name = $"Item {i}" }).ToArray();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments/batch/create", new { inputs })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["inputs"], problem.ErrorFields());
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments"));

        var ids = Enumerable.Range(0, count).Select(_ => new { id = tenant.OfficeId }).ToArray();
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments/batch/read", new { inputs = ids })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task AcceptsHundredItems()
    {
        var tenant = await app.NewTenantAsync();
        var ids = Enumerable.Range(0, 100).Select(_ => new { id = tenant.OfficeId }).ToArray();
        var read = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/read", new { inputs = ids }, HttpStatusCode.OK);
        Assert.Equal(100, Results(read).Count);
    }

    [Fact]
    public async Task RefusesBatchWithoutInputs()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments/batch/create", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task BatchWritesWithoutThePermissionAreForbiddenWhole()
    {
        var tenant = await app.NewTenantAsync();
        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.PostAsJsonAsync("/api/v1/departments/batch/create", new { inputs = new[] { new { name = "Sneaky" } } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        Assert.DoesNotContain("Sneaky", (await tenant.Admin.ListAllAsync("/api/v1/departments")).Select(d => d.Str("name")));
    }

    [Theory]
    [InlineData("create")]
    [InlineData("update")]
    [InlineData("read")]
    [InlineData("delete")]
    public async Task NullItemIsAnInvalidItemNotAServerError(string action)
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostJsonAsync($"/api/v1/departments/batch/{action}", "{\"inputs\":[null]}");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or (HttpStatusCode)207, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (response.StatusCode == (HttpStatusCode)207)
        {
            var body = await response.ExpectAsync((HttpStatusCode)207);
            Assert.Equal(400, Results(body)[0].GetProperty("status").GetInt32());
        }
        else
        {
            await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        }
    }

    [Fact]
    public async Task UpdateItemWithoutPatchIsAnInvalidItem()
    {
        var tenant = await app.NewTenantAsync();
        var body = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/update",
            new { inputs = new object[] { new { id = tenant.OfficeId }, new { id = tenant.OfficeId, patch = new { description = "ok" } } } }, (HttpStatusCode)207);
        var results = Results(body);
        Assert.Equal([400, 200], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(["patch"], results[0].GetProperty("error").ErrorFields());
    }
}
