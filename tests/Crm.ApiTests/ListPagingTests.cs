using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests;

/// <summary>The cursor continues where the previous page ended (found by the benchmark: it restarted at page one).</summary>
public sealed class ListPagingTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task CursorWalksEveryDepartmentOnce()
    {
        var tenant = await app.NewTenantAsync();
        for (var i = 0; i < 5; i++)
        {
            await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = $"Team {i}" })).ExpectAsync(HttpStatusCode.Created);
        }
        var seen = new List<string>();
        string? cursor = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await (await tenant.Admin.GetAsync("/api/v1/departments?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))))
                .ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(d => d.Id()));
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is null)
            {
                break;
            }
        }
        Assert.Equal(6, seen.Count);
        Assert.Equal(6, seen.Distinct().Count());
    }
}
