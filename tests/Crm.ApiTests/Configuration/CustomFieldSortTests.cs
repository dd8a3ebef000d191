using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Crm.ApiTests.Access;
using Crm.ApiTests.Access.Memos;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.ApiTests.Transfers;
using Crm.Domain.Access;
using Crm.Domain.Sales;
using Crm.Storage.Records;

namespace Crm.ApiTests.Configuration;

/// <summary>
/// Sortable custom fields: lists and searches sorted by one page over its index rows with cursors, records
/// without a value last, ties by id; the rows follow every write; making a field sortable backfills the
/// existing records through the queue; scope, field rules, saved views and imports all work with it.
/// </summary>
public sealed class CustomFieldSortTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static object Sort(string field, string dir = "asc", int limit = 2, string? cursor = null, object? filterGroups = null) =>
        new { sort = new[] { new { field, dir } }, limit, cursor, filterGroups };

    /// <summary>Every page of a sorted search, following the cursors.</summary>
    private static async Task<List<string>> SearchAllAsync(HttpClient client, string type, string field, string dir = "asc", int limit = 2)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.PostJsonAsync($"/api/v1/{type}/search", Sort(field, dir, limit, cursor), HttpStatusCode.OK);
            Assert.True(page.Items().Count <= limit);
            ids.AddRange(page.Ids());
            cursor = page.NextCursor();
        }
        while (cursor is not null);
        return ids;
    }

    private static async Task<JsonElement> WaitUntilReadyAsync(TestTenant tenant, string type, string key) =>
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync($"/api/v1/custom-fields/{type}/{key}"),
            f => f.GetProperty("sortIndex").ValueKind == JsonValueKind.String && f.Str("sortIndex") == "ready", TimeSpan.FromSeconds(60));

    private static async Task DefineSortableAsync(TestTenant tenant, string type, string key, string fieldType, object? more = null)
    {
        var body = JsonSerializer.SerializeToNode(more ?? new { })!.AsObject();
        body["sortable"] = true;
        var field = await tenant.DefineCustomFieldAsync(type, key, fieldType, body);
        Assert.True(field.GetProperty("sortable").GetBoolean());
        Assert.Equal("building", field.Str("sortIndex"));
    }

    /// <summary>The rows a tenant has under a sort index, as storage holds them.</summary>
    private async Task<int> SortRowCountAsync(TestTenant tenant, string key)
    {
        var table = app.Service<RecordStore<Memo>>().Table;
        var prefix = $"i~s~{key}~";
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant.Id} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "\u007f"}"), select: ["RowKey"]))
        {
            count++;
        }
        return count;
    }

    [Fact]
    public async Task SortsByNumberTextAndDateBothWaysOverPagesWithMissingValuesLastAndTiesById()
    {
        var tenant = await app.NewTenantAsync();
        await DefineSortableAsync(tenant, "memos", "score", "number");
        await DefineSortableAsync(tenant, "memos", "city", "text");
        await DefineSortableAsync(tenant, "memos", "due", "date");
        foreach (var key in new[] { "score", "city", "due" })
        {
            await WaitUntilReadyAsync(tenant, "memos", key);
        }
        var m = new Dictionary<string, string>
        {
            ["neg"] = await tenant.Admin.CreateMemoAsync("neg", customFields: new { score = -12.5, city = "beijing", due = "2026-03-01" }),
            ["big"] = await tenant.Admin.CreateMemoAsync("big", customFields: new { score = 1000, city = "Shanghai", due = "2025-12-31" }),
            ["none"] = await tenant.Admin.CreateMemoAsync("none"),
            ["frac"] = await tenant.Admin.CreateMemoAsync("frac", customFields: new { score = 0.25, city = "北京", due = "2026-03-01" }),
            ["tie"] = await tenant.Admin.CreateMemoAsync("tie", customFields: new { score = 1000, city = "shanghai pudong", due = "2024-01-01" }),
            ["zero"] = await tenant.Admin.CreateMemoAsync("zero", customFields: new { score = 0, city = "Beijing", due = "2030-06-15" }),
        };
        string[] Ids(params string[] names) => [.. names.Select(n => m[n])];
        string[] Tie(string a, string b) => string.CompareOrdinal(m[a], m[b]) < 0 ? Ids(a, b) : Ids(b, a);

        Assert.Equal([.. Ids("neg", "zero", "frac"), .. Tie("big", "tie"), m["none"]], await SearchAllAsync(tenant.Admin, "memos", "customFields.score"));
        Assert.Equal([.. Tie("big", "tie"), .. Ids("frac", "zero", "neg", "none")], await SearchAllAsync(tenant.Admin, "memos", "customFields.score", "desc"));
        // Text is compared like names: case and spaces ignored ("Beijing" ties "beijing", then by id).
        Assert.Equal([.. Tie("neg", "zero"), .. Ids("big", "tie", "frac", "none")], await SearchAllAsync(tenant.Admin, "memos", "customFields.city", limit: 4));
        Assert.Equal([.. Ids("frac", "tie", "big"), .. Tie("neg", "zero"), m["none"]], await SearchAllAsync(tenant.Admin, "memos", "customFields.city", "desc", limit: 3));
        Assert.Equal([.. Ids("tie", "big"), .. Tie("neg", "frac"), .. Ids("zero", "none")], await SearchAllAsync(tenant.Admin, "memos", "customFields.due"));

        // The list endpoint takes the same sorts as query parameters, its filters checked on the sorted rows.
        Assert.Equal([m["zero"], .. Tie("neg", "frac"), .. Ids("big", "tie", "none")],
            (await tenant.Admin.ListAllAsync("/api/v1/memos?sort=-customFields.due&limit=2")).Select(r => r.Id()));
        Assert.Equal(Ids("zero"), (await tenant.Admin.ListAllAsync("/api/v1/memos?sort=customFields.score&limit=1&name=zero")).Select(r => r.Id()));
        var filtered = await tenant.Admin.PostJsonAsync("/api/v1/memos/search",
            Sort("customFields.score", "desc", 10, filterGroups: new[] { new { filters = new[] { new { field = "customFields.score", op = "lt", value = 1 } } } }), HttpStatusCode.OK);
        Assert.Equal(Ids("frac", "zero", "neg"), filtered.Ids());

        // A cursor belongs to its sort.
        var first = await tenant.Admin.PostJsonAsync("/api/v1/memos/search", Sort("customFields.score"), HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos/search", Sort("customFields.score", "desc", cursor: first.NextCursor())))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
    }

    [Fact]
    public async Task AChangedValueMovesTheRecordAndDeleteAndRestoreTakeItOutAndBack()
    {
        var tenant = await app.NewTenantAsync();
        await DefineSortableAsync(tenant, "memos", "score", "money");
        await WaitUntilReadyAsync(tenant, "memos", "score");
        var a = await tenant.Admin.CreateMemoAsync("a", customFields: new { score = 1 });
        var b = await tenant.Admin.CreateMemoAsync("b", customFields: new { score = 2 });
        var c = await tenant.Admin.CreateMemoAsync("c", customFields: new { score = 3 });
        Assert.Equal([a, b, c], await SearchAllAsync(tenant.Admin, "memos", "customFields.score"));

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{a}", new { customFields = new { score = "9.5" } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([b, c, a], await SearchAllAsync(tenant.Admin, "memos", "customFields.score"));
        // Clearing the value sends it to the end, in both directions.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{b}", new { customFields = new { score = (decimal?)null } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([c, a, b], await SearchAllAsync(tenant.Admin, "memos", "customFields.score"));
        Assert.Equal([a, c, b], await SearchAllAsync(tenant.Admin, "memos", "customFields.score", "desc"));

        await (await tenant.Admin.DeleteAsync($"/api/v1/memos/{c}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal([a, b], await SearchAllAsync(tenant.Admin, "memos", "customFields.score", "desc"));
        Assert.Equal(4, await SortRowCountAsync(tenant, "score"));
        await tenant.Admin.PostJsonAsync($"/api/v1/recycle-bin/memo/{c}/restore", new { }, HttpStatusCode.OK);
        Assert.Equal([a, c, b], await SearchAllAsync(tenant.Admin, "memos", "customFields.score", "desc"));
        Assert.Equal(6, await SortRowCountAsync(tenant, "score"));
    }

    [Fact]
    public async Task AFieldMadeSortableLaterIsBackfilledWithoutChangingTheRecords()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "rank", "number");
        var low = await tenant.Admin.CreateMemoAsync("low", customFields: new { rank = 1 });
        var high = await tenant.Admin.CreateMemoAsync("high", customFields: new { rank = 5 });
        var none = await tenant.Admin.CreateMemoAsync("none");
        var before = await tenant.Admin.GetJsonAsync($"/api/v1/memos/{low}");
        var history = (await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?recordId={low}")).Items().Count;

        var unsupported = await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos/search", Sort("customFields.rank")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "search.sort_unsupported");
        Assert.Contains("can be made sortable", unsupported.GetProperty("errors").GetProperty("sort")[0].GetString());

        var patched = await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/rank", new { sortable = true })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("building", patched.Str("sortIndex"));
        // Until every existing record has its rows, a sort by it would miss some: refused, not partial.
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos/search", Sort("customFields.rank")))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "search.sort_index_building");
        // A record written meanwhile gets its rows from the write itself.
        var mid = await tenant.Admin.CreateMemoAsync("mid", customFields: new { rank = 3 });
        // sortIndex is read-only.
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/rank", new { sortIndex = "ready" })).ExpectAsync(HttpStatusCode.BadRequest);

        var ready = await WaitUntilReadyAsync(tenant, "memos", "rank");
        Assert.True(ready.GetProperty("sortIndexChangedAt").GetDateTimeOffset() > patched.GetProperty("sortIndexChangedAt").GetDateTimeOffset());
        Assert.Equal([low, mid, high, none], await SearchAllAsync(tenant.Admin, "memos", "customFields.rank"));
        Assert.Equal([high, mid, low, none], await SearchAllAsync(tenant.Admin, "memos", "customFields.rank", "desc"));

        // The backfill wrote index rows only: the record's version, time and audit history are as they were.
        var after = await tenant.Admin.GetJsonAsync($"/api/v1/memos/{low}");
        Assert.Equal(before.Str("version"), after.Str("version"));
        Assert.Equal(before.Str("updatedAt"), after.Str("updatedAt"));
        Assert.Equal(history, (await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?recordId={low}")).Items().Count);
        // A PATCH with the version read before the backfill still applies.
        var response = await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{low}", new { customFields = new { rank = 7 } }, $"\"{before.Str("version")}\"");
        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([mid, high, low, none], await SearchAllAsync(tenant.Admin, "memos", "customFields.rank"));
    }

    [Fact]
    public async Task TurningSortableOffRefusesTheSortAndRemovesTheRows()
    {
        var tenant = await app.NewTenantAsync();
        await DefineSortableAsync(tenant, "memos", "score", "number");
        await DefineSortableAsync(tenant, "memos", "other", "boolean");
        await WaitUntilReadyAsync(tenant, "memos", "score");
        await WaitUntilReadyAsync(tenant, "memos", "other");
        var a = await tenant.Admin.CreateMemoAsync("a", customFields: new { score = 1, other = true });
        var b = await tenant.Admin.CreateMemoAsync("b", customFields: new { other = false });
        Assert.Equal(4, await SortRowCountAsync(tenant, "score"));

        var off = await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/score", new { sortable = false })).ExpectAsync(HttpStatusCode.OK);
        Assert.False(off.GetProperty("sortable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, off.GetProperty("sortIndex").ValueKind);
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos/search", Sort("customFields.score", "desc")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "search.sort_unsupported");
        // The answer names what can be sorted by.
        Assert.Contains("customFields.other", problem.GetProperty("errors").GetProperty("sort")[0].GetString());
        await (await tenant.Admin.GetAsync("/api/v1/memos?sort=customFields.score")).ExpectProblemAsync(HttpStatusCode.BadRequest, "search.sort_unsupported");
        await Http.EventuallyAsync(() => SortRowCountAsync(tenant, "score"), n => n == 0, TimeSpan.FromSeconds(60));
        Assert.Equal(4, await SortRowCountAsync(tenant, "other"));
        Assert.Equal(2, (await SearchAllAsync(tenant.Admin, "memos", "customFields.other")).Count);

        // Deleting a sortable field (no record holds a value) removes its rows too.
        foreach (var id in new[] { a, b })
        {
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{id}", new { customFields = new { other = (bool?)null } })).ExpectAsync(HttpStatusCode.OK);
        }
        var other = await tenant.Admin.GetAsync("/api/v1/custom-fields/memos/other");
        await (await tenant.Admin.DeleteAsync("/api/v1/custom-fields/memos/other", other.Headers.ETag!.ToString())).ExpectAsync(HttpStatusCode.NoContent);
        await Http.EventuallyAsync(() => SortRowCountAsync(tenant, "other"), n => n == 0, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task AFieldDeletedOrRetypedWhileItsIndexIsBuildingLeavesTheJobsWorking()
    {
        var tenant = await app.NewTenantAsync();
        var first = await tenant.Admin.CreateMemoAsync("first");
        await DefineSortableAsync(tenant, "memos", "gone", "text");
        var gone = await tenant.Admin.GetAsync("/api/v1/custom-fields/memos/gone");
        await (await tenant.Admin.DeleteAsync("/api/v1/custom-fields/memos/gone", gone.Headers.ETag!.ToString())).ExpectAsync(HttpStatusCode.NoContent);
        await DefineSortableAsync(tenant, "memos", "kind", "text");
        var retyped = await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/kind", new { type = "number" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("building", retyped.Str("sortIndex"));

        // The same key defined again, as another type, is built and sorts like any field.
        await DefineSortableAsync(tenant, "memos", "gone", "number");
        await WaitUntilReadyAsync(tenant, "memos", "gone");
        await WaitUntilReadyAsync(tenant, "memos", "kind");
        var second = await tenant.Admin.CreateMemoAsync("second", customFields: new { gone = 2, kind = 1 });
        Assert.Equal([second, first], await SearchAllAsync(tenant.Admin, "memos", "customFields.gone"));
        Assert.Equal([second, first], await SearchAllAsync(tenant.Admin, "memos", "customFields.kind", "desc"));
        Assert.Equal(4, await SortRowCountAsync(tenant, "gone"));
    }

    [Fact]
    public async Task AtMostFiveSortableFieldsAndNeverAMultiPicklist()
    {
        var tenant = await app.NewTenantAsync();
        foreach (var (key, type) in new[] { ("s1", "text"), ("s2", "money"), ("s3", "datetime"), ("s4", "picklist"), ("s5", "user") })
        {
            await DefineSortableAsync(tenant, "memos", key, type, type == "picklist" ? new { options = new[] { "x", "y" } } : null);
        }
        var over = await (await tenant.Admin.PostAsJsonAsync("/api/v1/custom-fields/memos", new { key = "s6", label = "s6", type = "email", sortable = true }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "customField.sortable_limit_reached");
        Assert.Contains("5", over.Str("detail"));
        await tenant.DefineCustomFieldAsync("memos", "s6", "phone");
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/s6", new { sortable = true })).ExpectProblemAsync(HttpStatusCode.Conflict, "customField.sortable_limit_reached");
        // The cap is per record type, and a field made unsortable frees its place.
        await DefineSortableAsync(tenant, "customers", "s1", "url");
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/s1", new { sortable = false })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/s6", new { sortable = true })).ExpectAsync(HttpStatusCode.OK);

        var multi = await (await tenant.Admin.PostAsJsonAsync("/api/v1/custom-fields/customers", new { key = "tags", label = "Tags", type = "multiPicklist", options = new[] { "a" }, sortable = true }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.invalid_definition");
        Assert.Equal(["sortable"], multi.ErrorFields());
        await tenant.DefineCustomFieldAsync("customers", "tags", "multiPicklist", new { options = new[] { "a" } });
        var patched = await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/customers/tags", new { sortable = true }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.invalid_definition");
        Assert.Equal(["sortable"], patched.ErrorFields());
    }

    [Fact]
    public async Task ARepsSortedListHoldsOnlyTheirCustomersInOrder()
    {
        var tenant = await app.NewTenantAsync();
        await DefineSortableAsync(tenant, "customers", "potential", "money");
        await WaitUntilReadyAsync(tenant, "customers", "potential");
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var (colleagueId, _) = await app.NewSellerAsync(tenant);
        var mine = new List<(decimal? Potential, string Id)>();
        var s = Api.Stamp();
        for (var i = 0; i < 12; i++)
        {
            decimal? potential = i % 4 == 3 ? null : (i * 37 % 11) - 5;
            var owner = i % 3 == 0 ? colleagueId : repId;
            var customer = await tenant.Admin.PostJsonAsync("/api/v1/customers", potential is null
                ? new { name = $"C{i} {s}", ownerId = owner }
                : (object)new { name = $"C{i} {s}", ownerId = owner, customFields = new { potential } }, HttpStatusCode.Created);
            if (owner == repId)
            {
                mine.Add((potential, customer.Id()));
            }
        }
        var expected = mine.OrderBy(c => c.Potential is null).ThenByDescending(c => c.Potential).ThenBy(c => c.Id, StringComparer.Ordinal).Select(c => c.Id).ToList();
        Assert.Equal(expected, await SearchAllAsync(rep, "customers", "customFields.potential", "desc", limit: 3));
        Assert.Equal(expected, (await rep.ListAllAsync("/api/v1/customers?sort=-customFields.potential&limit=2")).Select(c => c.Id()).ToList());
        // The administrator sees everyone's, the colleague's included.
        Assert.Equal(12, (await SearchAllAsync(tenant.Admin, "customers", "customFields.potential", "desc", limit: 5)).Count);
    }

    [Fact]
    public async Task AFieldHiddenFromTheCallerCannotSortOrFilterTheirLists()
    {
        var tenant = await app.NewTenantAsync();
        await DefineSortableAsync(tenant, "memos", "cost", "number");
        await WaitUntilReadyAsync(tenant, "memos", "cost");
        var role = await app.CreateRoleAsync(tenant, DataScope.All, AccessSetup.AllMemoRights, [new FieldRule("memos", "customFields.cost", FieldAccess.Hidden)]);
        var (_, client) = await tenant.NewMemberAsync(null, null, role);
        await tenant.Admin.CreateMemoAsync("cheap", customFields: new { cost = 1 });
        await tenant.Admin.CreateMemoAsync("dear", customFields: new { cost = 100 });

        var sorted = await (await client.PostAsJsonAsync("/api/v1/memos/search", Sort("customFields.cost", "desc"))).ExpectProblemAsync(HttpStatusCode.Forbidden, "field.hidden");
        Assert.Equal("customFields.cost", sorted.Str("field"));
        await (await client.GetAsync("/api/v1/memos?sort=customFields.cost")).ExpectProblemAsync(HttpStatusCode.Forbidden, "field.hidden");
        await (await client.GetAsync("/api/v1/memos/export?format=csv&sort=-customFields.cost")).ExpectProblemAsync(HttpStatusCode.Forbidden, "field.hidden");
        await (await client.PostAsJsonAsync("/api/v1/memos/search", new { filterGroups = new[] { new { filters = new[] { new { field = "customFields.cost", op = "gt", value = 50 } } } } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "field.hidden");
        // Other sorts, and the administrator, are unaffected.
        Assert.Equal(2, (await client.PostJsonAsync("/api/v1/memos/search", Sort("name", limit: 10), HttpStatusCode.OK)).Items().Count);
        Assert.Equal(2, (await SearchAllAsync(tenant.Admin, "memos", "customFields.cost", "desc")).Count);
    }

    [Fact]
    public async Task ASavedViewSortedByACustomFieldRuns()
    {
        var tenant = await app.NewTenantAsync();
        await DefineSortableAsync(tenant, "customers", "score", "number");
        await tenant.DefineCustomFieldAsync("customers", "plain", "number");
        var (_, rep) = await app.NewSellerAsync(tenant);
        var s = Api.Stamp();
        var low = await rep.PostJsonAsync("/api/v1/customers", new { name = $"Low {s}", customFields = new { score = 1 } }, HttpStatusCode.Created);
        var high = await rep.PostJsonAsync("/api/v1/customers", new { name = $"High {s}", customFields = new { score = 9 } }, HttpStatusCode.Created);
        var none = await rep.PostJsonAsync("/api/v1/customers", new { name = $"None {s}" }, HttpStatusCode.Created);
        object View(string field) => new
        {
            name = "By " + field,
            entityType = "customers",
            filterGroups = new[] { new { filters = new[] { new { field = "name", op = "contains", value = s } } } },
            sort = new[] { new { field, dir = "desc" } },
            columns = new[] { "name", field },
        };
        // A view may be saved while the field's index is still building; a field that is not sortable is refused.
        var view = await rep.PostJsonAsync("/api/v1/saved-views", View("customFields.score"), HttpStatusCode.Created);
        await (await rep.PostAsJsonAsync("/api/v1/saved-views", View("customFields.plain"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "search.sort_unsupported");
        await WaitUntilReadyAsync(tenant, "customers", "score");

        var saved = await rep.GetJsonAsync($"/api/v1/saved-views/{view.Id()}");
        var result = await rep.PostJsonAsync("/api/v1/customers/search",
            new { filterGroups = saved.GetProperty("filterGroups"), sort = saved.GetProperty("sort"), limit = 2 }, HttpStatusCode.OK);
        Assert.Equal([high.Id(), low.Id()], result.Ids());
        var rest = await rep.PostJsonAsync("/api/v1/customers/search",
            new { filterGroups = saved.GetProperty("filterGroups"), sort = saved.GetProperty("sort"), limit = 2, cursor = result.NextCursor() }, HttpStatusCode.OK);
        Assert.Equal([none.Id()], rest.Ids());
    }

    [Fact]
    public async Task ImportedRecordsGetTheirSortRowsFromTheSameCreate()
    {
        var tenant = await app.NewTenantAsync();
        await DefineSortableAsync(tenant, "customers", "budget", "money", new { });
        await WaitUntilReadyAsync(tenant, "customers", "budget");
        var s = Api.Stamp();
        var csv = $"name,customFields.budget\r\nMid {s},50.5\r\nTop {s},1200\r\nNone {s},\r\nLow {s},-3\r\n";
        TransferSetup.AssertCounts(await tenant.Admin.ImportAndWaitAsync("customers", TransferSetup.Csv(csv)), created: 4);
        var names = new List<string>();
        foreach (var id in await SearchAllAsync(tenant.Admin, "customers", "customFields.budget", "desc"))
        {
            names.Add((await tenant.Admin.GetJsonAsync($"/api/v1/customers/{id}")).Str("name"));
        }
        Assert.Equal([$"Top {s}", $"Mid {s}", $"Low {s}", $"None {s}"], names);
        var rows = new List<string>();
        await foreach (var row in app.Service<RecordStore<Customer>>().Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {tenant.Id} and RowKey ge {"i~s~budget~"} and RowKey lt {"i~s~budget\u007f"}"), select: ["RowKey"]))
        {
            rows.Add(row.RowKey);
        }
        Assert.Equal(8, rows.Count);
    }
}
