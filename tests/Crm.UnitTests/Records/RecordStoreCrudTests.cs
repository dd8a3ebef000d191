using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class RecordStoreCrudTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private RecordStore<Widget> Widgets => storage.Widgets;

    private static ValueTask<Widget> Set(Widget w) => ValueTask.FromResult(w);

    [Fact]
    public async Task CreatedRecordHasIdCreationStampsAndVersion()
    {
        var tenant = NewTenant();

        var created = await Widgets.CreateAsync(Context(tenant, T0, "alice"), new Widget { Name = "Bolt", OwnerId = "alice", Amount = 3 });

        Assert.True(Ids.IsWellFormed(created.Id));
        Assert.Equal(T0, created.CreatedAt);
        Assert.Equal("alice", created.CreatedBy);
        Assert.Equal(T0, created.UpdatedAt);
        Assert.Equal("alice", created.UpdatedBy);
        Assert.False(string.IsNullOrEmpty(created.Version));
        var read = await Widgets.GetAsync(tenant, created.Id);
        Assert.Equal(CrmJson.Serialize(created), CrmJson.Serialize(read));
    }

    [Fact]
    public async Task CallerCannotChooseCreationStampsOrVersion()
    {
        var tenant = NewTenant();

        var created = await Widgets.CreateAsync(Context(tenant, T0, "alice"),
            new Widget { Name = "Nut", CreatedBy = "mallory", CreatedAt = T0.AddYears(-5), UpdatedBy = "mallory", Version = "v1" });

        Assert.Equal("alice", created.CreatedBy);
        Assert.Equal(T0, created.CreatedAt);
        Assert.Equal("alice", created.UpdatedBy);
        Assert.NotEqual("v1", created.Version);
    }

    [Fact]
    public async Task RecordsOfOneTenantAreInvisibleToAnother()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Private" });

        Assert.Null(await Widgets.FindAsync(NewTenant(), created.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => Widgets.UpdateAsync(Context(NewTenant(), T0), created.Id, null, w => Set(w with { Amount = 1 })));
    }

    [Fact]
    public async Task UpdateChangesVersionAndStampsButKeepsCreation()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0, "alice"), new Widget { Name = "Gear", Amount = 1 });

        var updated = await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(5), "bob"), created.Id, created.Version, w => Set(w with { Amount = 2 }));

        Assert.NotEqual(created.Version, updated.Version);
        Assert.Equal(2, updated.Amount);
        Assert.Equal(T0.AddMinutes(5), updated.UpdatedAt);
        Assert.Equal("bob", updated.UpdatedBy);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.Equal("alice", updated.CreatedBy);
        Assert.Equal(CrmJson.Serialize(updated), CrmJson.Serialize(await Widgets.GetAsync(tenant, created.Id)));
    }

    [Fact]
    public async Task ChangeCannotRewriteIdentityCreationOrVersion()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0, "alice"), new Widget { Name = "Cog" });

        var updated = await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1), "bob"), created.Id, null,
            w => Set(w with { Id = Ids.New(), CreatedBy = "mallory", CreatedAt = T0.AddYears(1), Version = "mine", Amount = 9 }));

        Assert.Equal(created.Id, updated.Id);
        Assert.Equal("alice", updated.CreatedBy);
        Assert.Equal(T0, updated.CreatedAt);
        Assert.NotEqual("mine", updated.Version);
        Assert.Single(await StorageFixture.RowsAsync(Widgets.Table, tenant), r => r.Key.StartsWith("r~", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdatedAtNeverGoesBackwards()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Clock" });

        // A writer whose clock is behind still moves the record forward in time.
        var updated = await Widgets.UpdateAsync(Context(tenant, T0.AddSeconds(-30)), created.Id, null, w => Set(w with { Amount = 1 }));

        Assert.True(updated.UpdatedAt > created.UpdatedAt);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task StaleIfMatchIsRefusedAndChangesNothing()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Spring", Amount = 1 });
        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1)), created.Id, null, w => Set(w with { Amount = 2 }));
        var before = await SnapshotAsync(Widgets.Table, tenant);
        var notices = storage.Notifier.For(tenant);

        var e = await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(2)), created.Id, created.Version, w => Set(w with { Amount = 3 })));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(2)), created.Id, created.Version));

        Assert.Equal("record.version_mismatch", e.Code);
        Assert.Equal(before, await SnapshotAsync(Widgets.Table, tenant));
        Assert.Equal(notices, storage.Notifier.For(tenant));
        Assert.Equal(2, (await Widgets.GetAsync(tenant, created.Id)).Amount);
    }

    [Fact]
    public async Task UpdateThatChangesNothingWritesNothing()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Idle", Amount = 1 });
        var before = await SnapshotAsync(Widgets.Table, tenant);
        var notices = storage.Notifier.For(tenant);

        var result = await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1), "bob"), created.Id, created.Version, w => Set(w with { Amount = 1 }));

        Assert.Equal(created.Version, result.Version);
        Assert.Equal(before, await SnapshotAsync(Widgets.Table, tenant));
        Assert.Equal(notices, storage.Notifier.For(tenant));
    }

    [Fact]
    public async Task DeletedRecordIsGoneUntilRestored()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Lever", Status = "won" });

        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(1)), created.Id, created.Version);

        Assert.Null(await Widgets.FindAsync(tenant, created.Id));
        var notFound = await Assert.ThrowsAsync<NotFoundException>(() => Widgets.GetAsync(tenant, created.Id));
        Assert.Equal("widget.not_found", notFound.Code);
        await Assert.ThrowsAsync<NotFoundException>(() => Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(2)), created.Id, null, w => Set(w with { Amount = 1 })));
        await Assert.ThrowsAsync<NotFoundException>(() => Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(2)), created.Id, null));
        Assert.Empty((await Widgets.ListAsync(tenant, new ListQuery())).Items);
        Assert.False(await Widgets.AnyWithFieldAsync(tenant, "status", "won"));
        Assert.Empty(await Widgets.GetManyAsync(tenant, [created.Id]));

        await Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(3), "carol"), created.Id);

        var restored = await Widgets.GetAsync(tenant, created.Id);
        Assert.Equal("Lever", restored.Name);
        Assert.Equal("carol", restored.UpdatedBy);
        Assert.Equal(T0.AddMinutes(3), restored.UpdatedAt);
        Assert.NotEqual(created.Version, restored.Version);
        Assert.Equal([created.Id], (await Widgets.ListAsync(tenant, new ListQuery())).Items.Select(w => w.Id));
        Assert.True(await Widgets.AnyWithFieldAsync(tenant, "status", "won"));
        var again = await Assert.ThrowsAsync<NotFoundException>(() => Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(4)), created.Id));
        Assert.Equal("recycleBin.not_found", again.Code);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task PurgeRemovesABinnedRecordForGoodButKeepsItsHistory()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Shim" });

        await Assert.ThrowsAsync<NotFoundException>(() => Widgets.PurgeAsync(Context(tenant, T0.AddMinutes(1)), created.Id));
        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(1)), created.Id, null);
        await Widgets.PurgeAsync(Context(tenant, T0.AddMinutes(2)), created.Id);

        var rows = await StorageFixture.RowsAsync(Widgets.Table, tenant);
        Assert.DoesNotContain(rows.Keys, k => k.StartsWith("r~", StringComparison.Ordinal) || k.StartsWith("b~", StringComparison.Ordinal)
            || k.StartsWith("i~", StringComparison.Ordinal) || k.StartsWith("k~", StringComparison.Ordinal));
        await Assert.ThrowsAsync<NotFoundException>(() => Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(3)), created.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => Widgets.PurgeAsync(Context(tenant, T0.AddMinutes(3)), created.Id));
        var history = await storage.Audit.QueryAsync(tenant, new AuditQuery("widget", created.Id, null, null, null, 10, null), default);
        Assert.Equal([AuditAction.Purged, AuditAction.Deleted, AuditAction.Created], history.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task GetManyLeavesOutMissingDeletedAndForeignIds()
    {
        var tenant = NewTenant();
        var a = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "A" });
        var b = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "B" });
        var c = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "C" });
        var foreign = await Widgets.CreateAsync(Context(NewTenant(), T0), new Widget { Name = "D" });
        await Widgets.DeleteAsync(Context(tenant, T0), b.Id, null);

        var found = await Widgets.GetManyAsync(tenant, [a.Id, b.Id, c.Id, a.Id, foreign.Id, Ids.New(), "not-an-id"]);

        Assert.Equal(new[] { a.Id, c.Id }.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-id")]
    [InlineData("../../etc/passwd")]
    [InlineData("01jd0000000000000000000000' or 1 eq 1")]
    public async Task IllFormedIdIsNotFound(string id)
    {
        Assert.Null(await Widgets.FindAsync(NewTenant(), id));
        await Assert.ThrowsAsync<NotFoundException>(() => Widgets.GetAsync(NewTenant(), id));
    }

    [Fact]
    public async Task FindsIdByUniqueValueAndRecordsByIndexedField()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Ｗａｓｈｅｒ", Status = "open" });

        Assert.Equal(created.Id, await Widgets.FindIdByUniqueKeyAsync(tenant, WidgetType.NameKey, "washer"));
        Assert.Null(await Widgets.FindIdByUniqueKeyAsync(tenant, WidgetType.NameKey, "other"));
        Assert.True(await Widgets.AnyWithFieldAsync(tenant, "status", "open"));
        Assert.False(await Widgets.AnyWithFieldAsync(tenant, "status", "closed"));
        Assert.False(await Widgets.AnyWithFieldAsync(NewTenant(), "status", "open"));
    }
}
