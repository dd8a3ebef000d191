using Crm.Domain.Common;
using Crm.Storage.Records;
using static Crm.UnitTests.Records.StorageFixture;

namespace Crm.UnitTests.Records;

public sealed class UniqueKeyTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private RecordStore<Widget> Widgets => storage.Widgets;

    private static ValueTask<Widget> Set(Widget w) => ValueTask.FromResult(w);

    [Fact]
    public async Task DuplicateNameIsAConflictThatStoresNothing()
    {
        var tenant = NewTenant();
        var first = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Acme Bolt", OwnerId = "u1" });
        var before = await SnapshotAsync(Widgets.Table, tenant);
        var notices = storage.Notifier.For(tenant);

        // Same name after normalisation: full-width, other case, other spacing.
        var e = await Assert.ThrowsAsync<ConflictException>(() =>
            Widgets.CreateAsync(Context(tenant, T0.AddMinutes(1)), new Widget { Name = "ＡＣＭＥ  bolt", OwnerId = "u2", Status = "won", Email = "x@y.cn" }));

        Assert.Equal(WidgetType.DuplicateName, e.Code);
        Assert.Equal(first.Id, e.Extensions["existingId"]);
        Assert.Equal(before, await SnapshotAsync(Widgets.Table, tenant));
        Assert.Equal(notices, storage.Notifier.For(tenant));
    }

    [Fact]
    public async Task RenamingOntoATakenNameIsAConflictThatChangesNothing()
    {
        var tenant = NewTenant();
        var taken = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Taken" });
        var other = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Other", Status = "open" });
        var before = await SnapshotAsync(Widgets.Table, tenant);
        var notices = storage.Notifier.For(tenant);

        var e = await Assert.ThrowsAsync<ConflictException>(() =>
            Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1)), other.Id, null, w => Set(w with { Name = "taken", Status = "won", Amount = 5 })));

        Assert.Equal(WidgetType.DuplicateName, e.Code);
        Assert.Equal(taken.Id, e.Extensions["existingId"]);
        Assert.Equal(before, await SnapshotAsync(Widgets.Table, tenant));
        Assert.Equal(notices, storage.Notifier.For(tenant));
    }

    [Fact]
    public async Task RecordKeepsItsOwnNameThroughOtherChanges()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Mine" });

        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1)), created.Id, null, w => Set(w with { Amount = 3 }));
        var recased = await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(2)), created.Id, null, w => Set(w with { Name = "MINE" }));

        Assert.Equal("MINE", recased.Name);
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task RenameFreesTheOldName()
    {
        var tenant = NewTenant();
        var created = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Old name" });

        await Widgets.UpdateAsync(Context(tenant, T0.AddMinutes(1)), created.Id, null, w => Set(w with { Name = "New name" }));
        var reuse = await Widgets.CreateAsync(Context(tenant, T0.AddMinutes(2)), new Widget { Name = "Old name" });

        Assert.Equal(reuse.Id, await Widgets.FindIdByUniqueKeyAsync(tenant, WidgetType.NameKey, "oldname"));
        Assert.Equal(created.Id, await Widgets.FindIdByUniqueKeyAsync(tenant, WidgetType.NameKey, "newname"));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task NamesAreUniquePerTenantOnly()
    {
        await Widgets.CreateAsync(Context(NewTenant(), T0), new Widget { Name = "Shared" });
        await Widgets.CreateAsync(Context(NewTenant(), T0), new Widget { Name = "Shared" });
    }

    [Fact]
    public async Task DeleteFreesTheNameAndRestoreChecksItAgain()
    {
        var tenant = NewTenant();
        var original = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "Phoenix" });
        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(1)), original.Id, null);

        var successor = await Widgets.CreateAsync(Context(tenant, T0.AddMinutes(2)), new Widget { Name = "phoenix" });
        var before = await SnapshotAsync(Widgets.Table, tenant);
        var e = await Assert.ThrowsAsync<ConflictException>(() => Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(3)), original.Id));

        Assert.Equal(WidgetType.DuplicateName, e.Code);
        Assert.Equal(successor.Id, e.Extensions["existingId"]);
        Assert.Equal(before, await SnapshotAsync(Widgets.Table, tenant));
        Assert.Null(await Widgets.FindAsync(tenant, original.Id));

        await Widgets.DeleteAsync(Context(tenant, T0.AddMinutes(4)), successor.Id, null);
        await Widgets.RestoreAsync(Context(tenant, T0.AddMinutes(5)), original.Id);

        Assert.Equal(original.Id, await Widgets.FindIdByUniqueKeyAsync(tenant, WidgetType.NameKey, "phoenix"));
        await IndexInvariants.AssertAgreeAsync(Widgets, tenant);
    }

    [Fact]
    public async Task CreatingWithAnExistingIdIsAConflictThatStoresNothing()
    {
        var tenant = NewTenant();
        var first = await Widgets.CreateAsync(Context(tenant, T0), new Widget { Name = "First" });
        var before = await SnapshotAsync(Widgets.Table, tenant);

        await Assert.ThrowsAsync<ConflictException>(() => Widgets.CreateAsync(Context(tenant, T0), new Widget { Id = first.Id, Name = "Second" }));

        Assert.Equal(before, await SnapshotAsync(Widgets.Table, tenant));
    }
}
