using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class RecordLimitsTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private RecordStore<Widget> Widgets => storage.Widgets;

    private static Widget WithText(string name, int chars) => new() { Name = name, CustomFields = new JsonObject { ["notes"] = new string('x', chars) } };

    [Fact]
    public async Task TooLargeRecordIsRefusedAndNothingIsWritten()
    {
        var tenant = NewTenant();

        var e = await Assert.ThrowsAsync<PayloadTooLargeException>(() => Widgets.CreateAsync(Context(tenant), WithText("Huge", 30_001)));

        Assert.Equal("record.too_large", e.Code);
        Assert.Empty(await StorageFixture.RowsAsync(Widgets.Table, tenant));
        Assert.Equal(0, storage.Notifier.For(tenant));
    }

    [Fact]
    public async Task UpdateThatMakesARecordTooLargeChangesNothing()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant), WithText("Growing", 100));
        var before = await SnapshotAsync(Widgets.Table, tenant);

        var e = await Assert.ThrowsAsync<PayloadTooLargeException>(() => Widgets.UpdateAsync(Context(tenant), created.Id, null,
            w => ValueTask.FromResult(w with { CustomFields = new JsonObject { ["notes"] = new string('y', 30_001) } })));

        Assert.Equal("record.too_large", e.Code);
        Assert.Equal(before, await SnapshotAsync(Widgets.Table, tenant));
    }

    [Fact]
    public async Task LargeRecordJustUnderTheLimitIsStoredAndItsHugeChangeAudited()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant), WithText("Big", 29_000));

        await Widgets.UpdateAsync(Context(tenant), created.Id, null,
            w => ValueTask.FromResult(w with { CustomFields = new JsonObject { ["notes"] = new string('y', 29_000) } }));

        Assert.Equal(29_000, (await Widgets.GetAsync(tenant, created.Id)).CustomFields["notes"]!.GetValue<string>().Length);
        var history = await storage.Audit.QueryAsync(tenant, new AuditQuery("widget", created.Id, null, null, null, 10, null), default);
        var update = history.Items[0];
        Assert.Equal(AuditAction.Updated, update.Action);
        Assert.True(update.Truncated);
        // Too long to keep whole: the entry still names the field that changed.
        Assert.Equal(["customFields.notes"], update.Changes.Keys);
        Assert.False(history.Items[1].Truncated);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("c\\d")]
    [InlineData("e#f")]
    [InlineData("g?h")]
    [InlineData("i~j")]
    [InlineData("k\u0001l")]
    [InlineData("m\u007fn")]
    [InlineData("o%2Fp")]
    [InlineData("~")]
    [InlineData("?#/\\")]
    public async Task AnyCharacterWorksInNamesAndIndexedValues(string text)
    {
        var tenant = NewTenant();

        var created = await Widgets.CreateAsync(Context(tenant), new Widget { Name = text, OwnerId = text, Status = text, Email = text + "@x.cn" });

        Assert.Equal(text, (await Widgets.GetAsync(tenant, created.Id)).Name);
        Assert.Equal(created.Id, await Widgets.FindIdByUniqueKeyAsync(tenant, WidgetType.NameKey, TextNormalizer.Normalize(text)));
        Assert.Equal([created.Id], (await Widgets.ListAsync(tenant, new ListQuery { FieldEquals = [new("status", text)] })).Items.Select(w => w.Id));
        Assert.Equal([created.Id], (await Widgets.ListAsync(tenant, new ListQuery { FieldEquals = [new("ownerId", text)] })).Items.Select(w => w.Id));
        Assert.Equal([created.Id], (await Widgets.ListAsync(tenant, new ListQuery { Q = text })).Items.Select(w => w.Id));
        Assert.Equal([created.Id], (await Widgets.ListAsync(tenant, new ListQuery { Sort = "name" })).Items.Select(w => w.Id));
        var duplicate = await Assert.ThrowsAsync<ConflictException>(() => Widgets.CreateAsync(Context(tenant), new Widget { Name = text }));
        Assert.Equal(created.Id, duplicate.Extensions["existingId"]);

        var renamed = await Widgets.UpdateAsync(Context(tenant), created.Id, null, w => ValueTask.FromResult(w with { Name = text + "2", Status = "open" }));
        await Widgets.DeleteAsync(Context(tenant), renamed.Id, null);
        await Widgets.RestoreAsync(Context(tenant), renamed.Id);

        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
        Assert.All((await StorageFixture.RowsAsync(Widgets.Table, tenant)).Keys, key =>
            Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)));
    }

    [Fact]
    public async Task ValuesThatLookEscapedDoNotCollideWithTheirOriginals()
    {
        var tenant = NewTenant();

        var slash = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "a/b" });
        var escaped = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "a%2Fb" });
        var tilde = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "a~b" });
        var escapedTilde = await Widgets.CreateAsync(Context(tenant), new Widget { Name = "a%7Eb" });

        Assert.Equal(4, new[] { slash.Id, escaped.Id, tilde.Id, escapedTilde.Id }.Distinct().Count());
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task ChangeNeedingMoreRowsThanOneTransactionIsRefusedAndNothingIsWritten()
    {
        var store = new RecordStore<Tagged>(storage.Service, storage.Options, new TaggedType(), storage.Notifier);
        await store.Table.CreateIfNotExistsAsync();
        var tenant = NewTenant();
        static List<string> Tags(int count, string prefix) => Enumerable.Range(0, count).Select(i => $"{prefix}{i:D3}").ToList();

        // Record, three list rows, one search row a tag, two audit rows and the outbox row.
        var e = await Assert.ThrowsAsync<PayloadTooLargeException>(() => store.CreateAsync(Context(tenant), new Tagged { Name = "Many", Tags = Tags(94, "t") }));
        Assert.Equal("record.too_large", e.Code);
        Assert.Empty(await StorageFixture.RowsAsync(store.Table, tenant));

        var fits = await store.CreateAsync(Context(tenant), new Tagged { Name = "Many", Tags = Tags(93, "t") });
        var before = await SnapshotAsync(store.Table, tenant);
        await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            store.UpdateAsync(Context(tenant), fits.Id, null, t => ValueTask.FromResult(t with { Tags = Tags(93, "u") })));
        Assert.Equal(before, await SnapshotAsync(store.Table, tenant));
    }

    [Fact]
    public async Task UndeletableTypeRefusesDelete()
    {
        var store = new RecordStore<Tagged>(storage.Service, storage.Options, new TaggedType(), storage.Notifier);
        await store.Table.CreateIfNotExistsAsync();
        var tenant = NewTenant();
        var created = await store.CreateAsync(Context(tenant), new Tagged { Name = "Forever" });
        var before = await SnapshotAsync(store.Table, tenant);

        var e = await Assert.ThrowsAsync<ConflictException>(() => store.DeleteAsync(Context(tenant), created.Id, null));

        Assert.Equal("tagged.not_deletable", e.Code);
        Assert.Equal(before, await SnapshotAsync(store.Table, tenant));
    }
}
