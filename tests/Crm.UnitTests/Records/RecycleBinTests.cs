using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class RecycleBinTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private async Task<string> DeleteWidgetAsync(string tenant, string name, DateTimeOffset at, string actor = "alice")
    {
        var w = await storage.Widgets.CreateAsync(Context(tenant, at.AddMinutes(-1)), new Widget { Name = name });
        await storage.Widgets.DeleteAsync(Context(tenant, at, actor), w.Id, null);
        return w.Id;
    }

    private async Task<string> DeleteGadgetAsync(string tenant, string label, DateTimeOffset at, string actor = "bob")
    {
        var g = await storage.Gadgets.CreateAsync(Context(tenant, at.AddMinutes(-1)), new Gadget { Label = label });
        await storage.Gadgets.DeleteAsync(Context(tenant, at, actor), g.Id, null);
        return g.Id;
    }

    [Fact]
    public async Task ListsDeletedRecordsOfEveryTypeNewestFirst()
    {
        var tenant = NewTenant();
        var w1 = await DeleteWidgetAsync(tenant, "W1", T0);
        var g1 = await DeleteGadgetAsync(tenant, "G1", T0.AddMinutes(10));
        var w2 = await DeleteWidgetAsync(tenant, "W2", T0.AddMinutes(20), "carol");
        await storage.Widgets.CreateAsync(Context(tenant), new Widget { Name = "Alive" });

        var page = await storage.Bin.ListAsync(tenant, null, 10, null, default);

        Assert.Null(page.NextCursor);
        Assert.Equal(
            [new RecycleBinEntry("widget", w2, "W2", T0.AddMinutes(20), "carol"), new RecycleBinEntry("gadget", g1, "G1", T0.AddMinutes(10), "bob"), new RecycleBinEntry("widget", w1, "W1", T0, "alice")],
            page.Items);
        Assert.Equal([g1], (await storage.Bin.ListAsync(tenant, "gadget", 10, null, default)).Items.Select(e => e.Id));
        Assert.Equal([w2, w1], (await storage.Bin.ListAsync(tenant, "widget", 10, null, default)).Items.Select(e => e.Id));
        Assert.Empty((await storage.Bin.ListAsync(NewTenant(), null, 10, null, default)).Items);
        await Assert.ThrowsAsync<ValidationException>(() => storage.Bin.ListAsync(tenant, "customer", 10, null, default));
    }

    [Fact]
    public async Task PagesAcrossTypesWithoutGapsOrRepeats()
    {
        var tenant = NewTenant();
        var expected = new List<string>();
        for (var i = 0; i < 13; i++)
        {
            // Uneven mix, so that pages must merge the two tables.
            expected.Add(i % 3 == 0
                ? await DeleteGadgetAsync(tenant, $"G{i}", T0.AddMinutes(i * 5))
                : await DeleteWidgetAsync(tenant, $"W{i}", T0.AddMinutes(i * 5)));
        }
        expected.Reverse();

        var listed = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await storage.Bin.ListAsync(tenant, null, 4, cursor, default);
            Assert.InRange(page.Items.Count, 0, 4);
            listed.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null && ++pages < 20);

        Assert.Equal(expected, listed);
        var firstPage = await storage.Bin.ListAsync(tenant, null, 4, null, default);
        var e = await Assert.ThrowsAsync<ValidationException>(() => storage.Bin.ListAsync(tenant, "widget", 4, firstPage.NextCursor, default));
        Assert.Equal("cursor.invalid", e.Code);
    }

    [Fact]
    public async Task RestoredAndPurgedRecordsLeaveTheBin()
    {
        var tenant = NewTenant();
        var w = await DeleteWidgetAsync(tenant, "Back", T0);
        var g = await DeleteGadgetAsync(tenant, "Gone", T0.AddMinutes(1));

        await storage.Widgets.RestoreAsync(Context(tenant), w);
        await storage.Gadgets.PurgeAsync(Context(tenant), g);

        Assert.Empty((await storage.Bin.ListAsync(tenant, null, 10, null, default)).Items);
    }

    [Fact]
    public async Task PurgeOlderThanPurgesOnlyOldEntriesOfEveryType()
    {
        var tenant = NewTenant();
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var oldWidget = await DeleteWidgetAsync(tenant, "Old widget", now.AddDays(-40));
        var oldGadget = await DeleteGadgetAsync(tenant, "Old gadget", now.AddDays(-31));
        var recentWidget = await DeleteWidgetAsync(tenant, "Recent widget", now.AddDays(-29));
        var recentGadget = await DeleteGadgetAsync(tenant, "Recent gadget", now.AddMinutes(-5));
        var otherTenant = NewTenant();
        var foreignOld = await DeleteWidgetAsync(otherTenant, "Foreign", now.AddDays(-40));

        var purged = await storage.Bin.PurgeOlderThanAsync(Context(tenant, now, "system"), now.AddDays(-30), default);

        Assert.Equal(2, purged);
        Assert.Equal([recentGadget, recentWidget], (await storage.Bin.ListAsync(tenant, null, 10, null, default)).Items.Select(e => e.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => storage.Widgets.RestoreAsync(Context(tenant), oldWidget));
        await Assert.ThrowsAsync<NotFoundException>(() => storage.Gadgets.RestoreAsync(Context(tenant), oldGadget));
        Assert.Equal([foreignOld], (await storage.Bin.ListAsync(otherTenant, null, 10, null, default)).Items.Select(e => e.Id));
        var purges = await storage.Audit.QueryAsync(tenant, new AuditQuery(null, null, "system", null, null, 10, null), default);
        Assert.Equal(new[] { oldWidget, oldGadget }.Order(StringComparer.Ordinal), purges.Items.Select(e => e.RecordId).Order(StringComparer.Ordinal));
        Assert.All(purges.Items, e => Assert.Equal(AuditAction.Purged, e.Action));
        Assert.Equal(0, await storage.Bin.PurgeOlderThanAsync(Context(tenant, now, "system"), now.AddDays(-30), default));
    }
}
