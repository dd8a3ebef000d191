using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage.Events;
using Crm.UnitTests.Records;

namespace Crm.UnitTests.Events;

/// <summary>Reads outboxes and the feed as storage holds them.</summary>
internal static class EventAssertions
{
    public static async Task<List<ChangeEvent>> OutboxAsync(TableClient table, string tenant) =>
        (await StorageFixture.RowsAsync(table, tenant)).Where(r => r.Key.StartsWith("o~", StringComparison.Ordinal))
            .Select(r => CrmJson.Deserialize<ChangeEvent>(r.Value.GetString("D"))).ToList();

    public static async Task<List<ChangeEvent>> ReadAllAsync(EventFeed feed, string tenant)
    {
        var all = new List<ChangeEvent>();
        string? after = null;
        while (true)
        {
            var (items, last) = await feed.ReadAsync(tenant, after, null, 100, null, default);
            all.AddRange(items);
            if (last == after)
            {
                return all;
            }
            after = last;
        }
    }

    /// <summary>The feed's rows number its events 1..n without a gap, each event once, and the counter says n.</summary>
    public static async Task AssertGapFreeAsync(EventFeed feed, string tenant, int expectedCount)
    {
        var rows = await StorageFixture.RowsAsync(feed.Table, tenant);
        var feedRows = rows.Where(r => r.Key.StartsWith("f~", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, expectedCount).Select(i => "f~" + i.ToString("D19", System.Globalization.CultureInfo.InvariantCulture)), feedRows.Select(r => r.Key));
        var eventIds = feedRows.Select(r => r.Value.GetString("EventId")).ToList();
        Assert.Equal(expectedCount, eventIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expectedCount, rows.Keys.Count(k => k.StartsWith("x~", StringComparison.Ordinal)));
        Assert.Equal(expectedCount == 0 ? null : expectedCount, rows.TryGetValue("seq", out var counter) ? counter.GetInt64("Value") : null);
    }
}
