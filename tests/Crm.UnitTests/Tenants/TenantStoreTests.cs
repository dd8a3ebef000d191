using Crm.Domain.Common;
using Crm.Domain.Tenants;
using Crm.Storage.Tenants;
using Crm.UnitTests.Records;

namespace Crm.UnitTests.Tenants;

public sealed class TenantStoreTests(StorageFixture storage) : IClassFixture<StorageFixture>
{
    private TenantStore Tenants => storage.Tenants;

    private static Tenant NewTenant(string? slug = null) => new()
    {
        Id = Ids.New(),
        Slug = slug ?? "acme-" + Guid.NewGuid().ToString("N")[..8],
        Name = "Acme",
        TimeZone = "Asia/Shanghai",
        CreatedAt = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task CreatedTenantIsFoundByIdAndSlug()
    {
        var tenant = NewTenant();

        await Tenants.CreateAsync(tenant, default);

        Assert.Equal(tenant, await Tenants.FindAsync(tenant.Id, default));
        Assert.Equal(tenant, await Tenants.FindBySlugAsync(tenant.Slug, default));
        Assert.Null(await Tenants.FindAsync(Ids.New(), default));
        Assert.Null(await Tenants.FindBySlugAsync("no-such-tenant", default));
        Assert.Null(await Tenants.FindBySlugAsync("a/b#c?", default));
    }

    [Fact]
    public async Task TakenSlugIsAConflictAndTheSecondTenantIsNotStored()
    {
        var first = NewTenant();
        await Tenants.CreateAsync(first, default);
        var second = NewTenant(first.Slug) with { Name = "Impostor" };

        var e = await Assert.ThrowsAsync<ConflictException>(() => Tenants.CreateAsync(second, default));

        Assert.Equal("tenant.slug_taken", e.Code);
        Assert.Null(await Tenants.FindAsync(second.Id, default));
        Assert.Equal(first.Id, (await Tenants.FindBySlugAsync(first.Slug, default))!.Id);
        Assert.DoesNotContain(await Tenants.ListAsync(default), t => t.Id == second.Id);
    }

    [Fact]
    public async Task ListsEveryTenant()
    {
        var a = NewTenant();
        var b = NewTenant();
        await Tenants.CreateAsync(a, default);
        await Tenants.CreateAsync(b, default);

        var all = await Tenants.ListAsync(default);

        Assert.Contains(a, all);
        Assert.Contains(b, all);
        Assert.Equal(all.Count, all.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public async Task UpdateIsSeenAtOnceHereAndElsewhereOnceTheCacheExpires()
    {
        var tenant = NewTenant();
        await Tenants.CreateAsync(tenant, default);
        var elsewhere = new TenantStore(storage.Service, storage.Options, storage.Clock);
        Assert.Equal("Acme", (await elsewhere.FindAsync(tenant.Id, default))!.Name);

        await Tenants.UpdateAsync(tenant with { Name = "Acme Group", RequireIfMatch = true }, default);

        Assert.Equal("Acme Group", (await Tenants.FindAsync(tenant.Id, default))!.Name);
        Assert.Equal("Acme", (await elsewhere.FindAsync(tenant.Id, default))!.Name);
        storage.Clock.Now += TimeSpan.FromSeconds(31);
        var refreshed = await elsewhere.FindAsync(tenant.Id, default);
        Assert.Equal("Acme Group", refreshed!.Name);
        Assert.True(refreshed.RequireIfMatch);
    }
}
