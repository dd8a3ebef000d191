using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

/// <summary>The public pool: release, list, claim (cap, cool-down, races), assign.</summary>
public sealed class PoolTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ReleasedCustomerIsInThePoolForEveryRepButNeverInTheirScopedLists()
    {
        var tenant = await app.NewTenantAsync();
        var (aId, a) = await app.NewSellerAsync(tenant);
        var (_, b) = await app.NewSellerAsync(tenant);
        var name = SalesSetup.Unique("Pooled Ltd");
        var pooled = await a.CreateCustomerAsync(name);
        var kept = await a.CreateCustomerAsync(SalesSetup.Unique("Kept Ltd"));

        var released = await a.PostJsonAsync($"/api/v1/customers/{pooled.Id()}/release", new { reason = "No budget this year" }, HttpStatusCode.OK);
        Assert.Null(PoolSetup.Owner(released));
        Assert.Equal(aId, released.Str("previousOwnerId"));
        Assert.Equal("No budget this year", released.Str("poolReason"));
        Assert.True(released.TryGetProperty("pooledAt", out _));

        var pool = await b.ListAllAsync("/api/v1/pool");
        Assert.Contains(pool, c => c.Id() == pooled.Id());
        Assert.DoesNotContain(pool, c => c.Id() == kept.Id());
        Assert.Contains(await b.ListAllAsync($"/api/v1/pool?q={Uri.EscapeDataString(name)}"), c => c.Id() == pooled.Id());
        Assert.Equal(pooled.Id(), (await b.GetJsonAsync($"/api/v1/pool/{pooled.Id()}")).Id());
        await b.GetJsonAsync($"/api/v1/pool/{kept.Id()}", HttpStatusCode.NotFound);

        // The pool is nobody's data scope: neither the former owner's nor a colleague's lists, search or reads show it.
        foreach (var rep in new[] { a, b })
        {
            Assert.DoesNotContain(await rep.ListAllAsync("/api/v1/customers"), c => c.Id() == pooled.Id());
            var search = await rep.PostJsonAsync("/api/v1/customers/search", new { q = name }, HttpStatusCode.OK);
            Assert.Empty(search.Items());
            await rep.GetJsonAsync($"/api/v1/customers/{pooled.Id()}", HttpStatusCode.NotFound);
        }
        Assert.DoesNotContain(await b.ListAllAsync("/api/v1/customers"), c => c.Id() == kept.Id());
        // An administrator (scope "all") sees every customer, pool included.
        Assert.Contains(await tenant.Admin.ListAllAsync("/api/v1/customers"), c => c.Id() == pooled.Id());

        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={pooled.Id()}");
        var entry = audit.First(e => e.GetProperty("changes").TryGetProperty("ownerId", out _));
        Assert.Equal("released", entry.Str("activity"));
        Assert.Equal(aId, entry.GetProperty("changes").GetProperty("ownerId").Str("before"));
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.customer.updated"),
            p => p.Items().Any(e => e.GetProperty("data").Str("recordId") == pooled.Id() && e.GetProperty("data").Str("activity") == "released"));
    }

    [Fact]
    public async Task ClaimMakesTheCallerTheOwnerAndASecondClaimConflicts()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var (bId, b) = await app.NewSellerAsync(tenant);
        var (_, c) = await app.NewSellerAsync(tenant);
        var customer = await PoolSetup.PooledCustomerAsync(a, "Claimable");

        var claim = await b.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } }, HttpStatusCode.OK);
        Assert.Equal(200, PoolSetup.Result(claim, 0).GetProperty("status").GetInt32());
        var mine = await b.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        Assert.Equal(bId, mine.Str("ownerId"));
        Assert.True(mine.TryGetProperty("ownedSince", out _));
        Assert.DoesNotContain(await b.ListAllAsync("/api/v1/pool"), x => x.Id() == customer.Id());
        await b.GetJsonAsync($"/api/v1/pool/{customer.Id()}", HttpStatusCode.NotFound);

        var second = await (await c.PostAsJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } })).ExpectAsync((HttpStatusCode)207);
        PoolSetup.AssertItemProblem(second, 0, 409, "pool.already_claimed");
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        Assert.Single(audit, e => e.TryGetProperty("activity", out var act) && act.GetString() == "claimed");
    }

    [Fact]
    public async Task ConcurrentClaimsOfOneCustomerHaveExactlyOneWinner()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var claimants = new List<(string Id, HttpClient Client)>();
        for (var i = 0; i < 4; i++)
        {
            claimants.Add(await app.NewSellerAsync(tenant));
        }
        for (var round = 0; round < 3; round++)
        {
            var customer = await PoolSetup.PooledCustomerAsync(a, "Contested");
            var answers = await Task.WhenAll(claimants.Select(async x =>
                (x.Id, Body: await (await x.Client.PostAsJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } })).Content.ReadFromJsonAsync<JsonElement>())));
            var statuses = answers.Select(x => (x.Id, Status: PoolSetup.Result(x.Body, 0).GetProperty("status").GetInt32(), x.Body)).ToList();
            var winner = Assert.Single(statuses, s => s.Status == 200);
            Assert.All(statuses.Where(s => s.Status != 200), s => PoolSetup.AssertItemProblem(s.Body, 0, 409, "pool.already_claimed"));
            Assert.Equal(winner.Id, (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")).Str("ownerId"));
        }
    }

    [Fact]
    public async Task ClaimOverTheCapIsRefusedWholeAndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var (_, b) = await app.NewSellerAsync(tenant);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/pool", new { claimCap = 2 })).ExpectAsync(HttpStatusCode.OK);
        await b.CreateCustomerAsync(SalesSetup.Unique("Already mine"));
        var first = await PoolSetup.PooledCustomerAsync(a, "Cap one");
        var second = await PoolSetup.PooledCustomerAsync(a, "Cap two");

        var problem = await (await b.PostAsJsonAsync("/api/v1/pool/claim", new { ids = new[] { first.Id(), second.Id() } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pool.claim_cap_reached");
        Assert.Equal(2, problem.GetProperty("claimCap").GetInt32());
        Assert.Equal(1, problem.GetProperty("owned").GetInt32());
        var pool = await b.ListAllAsync("/api/v1/pool");
        Assert.Contains(pool, x => x.Id() == first.Id());
        Assert.Contains(pool, x => x.Id() == second.Id());

        await b.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { first.Id() } }, HttpStatusCode.OK);
        await (await b.PostAsJsonAsync("/api/v1/pool/claim", new { ids = new[] { second.Id() } })).ExpectProblemAsync(HttpStatusCode.Conflict, "pool.claim_cap_reached");
        // Releasing one makes room again.
        await b.PostJsonAsync($"/api/v1/customers/{first.Id()}/release", new { }, HttpStatusCode.OK);
        await b.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { second.Id() } }, HttpStatusCode.OK);
    }

    [Fact]
    public async Task WhoReleasedACustomerWaitsOutTheCooldownBeforeClaimingItBack()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var (_, b) = await app.NewSellerAsync(tenant);
        Assert.Equal(7, (await tenant.Admin.GetJsonAsync("/api/v1/settings/pool")).GetProperty("reclaimCooldownDays").GetInt32());
        var customer = await PoolSetup.PooledCustomerAsync(a, "Cooling");

        var refused = await (await a.PostAsJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } })).ExpectAsync((HttpStatusCode)207);
        var error = PoolSetup.AssertItemProblem(refused, 0, 409, "pool.cooldown");
        Assert.True(error.GetProperty("availableAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(6));
        await a.GetJsonAsync($"/api/v1/pool/{customer.Id()}");

        // Anyone else may claim it at once; with no cool-down the former owner may too.
        var other = await PoolSetup.PooledCustomerAsync(a, "Cooling other");
        await b.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } }, HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/pool", new { reclaimCooldownDays = 0 })).ExpectAsync(HttpStatusCode.OK);
        await a.PostJsonAsync("/api/v1/pool/claim", new { ids = new[] { other.Id() } }, HttpStatusCode.OK);
    }

    [Fact]
    public async Task ClaimNeedsCreateAndViewOfCustomers()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var customer = await PoolSetup.PooledCustomerAsync(a, "Guarded");
        var (_, viewer) = await app.NewSellerAsync(tenant, DataScope.All, rights: ["customers.view"]);
        var (_, creator) = await app.NewSellerAsync(tenant, DataScope.Self, rights: ["customers.create"]);

        await viewer.GetJsonAsync($"/api/v1/pool/{customer.Id()}");
        await (await viewer.PostAsJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await creator.PostAsJsonAsync("/api/v1/pool/claim", new { ids = new[] { customer.Id() } })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await creator.GetAsync("/api/v1/pool")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await a.PostAsJsonAsync("/api/v1/pool/claim", new { ids = Array.Empty<string>() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await a.GetAsync("/api/v1/pool?ownerId=x")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Null(PoolSetup.Owner(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));
    }

    [Fact]
    public async Task AssignGivesPoolCustomersToAUserWithinTheAssignScope()
    {
        var tenant = await app.NewTenantAsync();
        var (aId, a) = await app.NewSellerAsync(tenant);
        var (bId, b) = await app.NewSellerAsync(tenant);
        var customer = await PoolSetup.PooledCustomerAsync(a, "Assignable");
        var owned = await a.CreateCustomerAsync(SalesSetup.Unique("Owned"));

        await (await a.PostAsJsonAsync("/api/v1/pool/assign", new { ids = new[] { customer.Id() }, ownerId = aId })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var (_, lead) = await app.NewSellerAsync(tenant, DataScope.Self, rights: ["customers.view", "customers.assign"]);
        await (await lead.PostAsJsonAsync("/api/v1/pool/assign", new { ids = new[] { customer.Id() }, ownerId = bId })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/pool/assign", new { ids = new[] { customer.Id() }, ownerId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "record.owner_not_found");

        // Cool-down and cap are the claimant's limits, not a manager's: a can be given back what a released.
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/pool", new { claimCap = 1 })).ExpectAsync(HttpStatusCode.OK);
        var result = await tenant.Admin.PostJsonAsync("/api/v1/pool/assign", new { ids = new[] { customer.Id() }, ownerId = aId }, HttpStatusCode.OK);
        Assert.Equal(aId, PoolSetup.Result(result, 0).GetProperty("record").Str("ownerId"));
        Assert.Equal(aId, (await a.GetJsonAsync($"/api/v1/customers/{customer.Id()}")).Str("ownerId"));
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        Assert.Single(audit, e => e.TryGetProperty("activity", out var act) && act.GetString() == "assigned");

        var taken = await (await tenant.Admin.PostAsJsonAsync("/api/v1/pool/assign", new { ids = new[] { owned.Id() }, ownerId = bId })).ExpectAsync((HttpStatusCode)207);
        PoolSetup.AssertItemProblem(taken, 0, 409, "pool.already_claimed");
        Assert.Equal(aId, (await a.GetJsonAsync($"/api/v1/customers/{owned.Id()}")).Str("ownerId"));
    }

    [Fact]
    public async Task ReleaseIsForTheOwnerOrEditScopeAndNeverForALockedCustomer()
    {
        var tenant = await app.NewTenantAsync();
        var team = await tenant.CreateDepartmentAsync("Team " + Api.Stamp());
        var (_, manager) = await app.NewSellerAsync(tenant, DataScope.DepartmentAndChildren, team.Id());
        var (_, a) = await app.NewSellerAsync(tenant, DataScope.Self, team.Id());
        var (_, b) = await app.NewSellerAsync(tenant);
        var (_, watcher) = await app.NewSellerAsync(tenant, DataScope.All, rights: ["customers.view", "customers.edit"]);
        var customer = await a.CreateCustomerAsync(SalesSetup.Unique("Guarded"));
        var url = $"/api/v1/customers/{customer.Id()}/release";

        await (await b.PostAsJsonAsync(url, new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await tenant.Admin.PostJsonAsync($"/api/v1/customers/{customer.Id()}/lock", new { }, HttpStatusCode.OK);
        await (await a.PostAsJsonAsync(url, new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.locked");
        await tenant.Admin.PostJsonAsync($"/api/v1/customers/{customer.Id()}/unlock", new { }, HttpStatusCode.OK);

        var stale = await a.SendAsync(HttpMethod.Post, url, new { }, ("If-Match", "\"stale\""));
        await stale.ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        await (await a.PostAsJsonAsync(url, new { reason = new string('x', 501) })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.NotNull(PoolSetup.Owner(await a.GetJsonAsync($"/api/v1/customers/{customer.Id()}")));

        // Edit scope over the owner is what counts: "all" for viewing is not enough when editing is scoped to oneself.
        var (_, seesAllEditsOwn) = await tenant.NewMemberAsync(null, null,
            await app.CreateRoleAsync(tenant, DataScope.All, ["customers.view"]), await app.CreateRoleAsync(tenant, DataScope.Self, ["customers.edit"]));
        await seesAllEditsOwn.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        await (await seesAllEditsOwn.PostAsJsonAsync(url, new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        await watcher.PostJsonAsync(url, new { }, HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync(url, new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "pool.already_in_pool");

        var another = await a.CreateCustomerAsync(SalesSetup.Unique("Managed"));
        var released = await manager.PostJsonAsync($"/api/v1/customers/{another.Id()}/release", new { reason = "Dormant" }, HttpStatusCode.OK);
        Assert.Null(PoolSetup.Owner(released));
    }

    [Fact]
    public async Task ReleaseClearsTheTeamAndTakesNoBody()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var (memberId, member) = await app.NewSellerAsync(tenant);
        var customer = await a.CreateCustomerAsync(SalesSetup.Unique("Teamed"));
        await tenant.Admin.PostJsonAsync($"/api/v1/customers/{customer.Id()}/team", new { userId = memberId, access = "read" }, HttpStatusCode.OK);
        await member.GetJsonAsync($"/api/v1/customers/{customer.Id()}");

        var response = await a.PostAsync($"/api/v1/customers/{customer.Id()}/release", null);
        var released = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(response.Headers.ETag);
        Assert.Empty(released.GetProperty("team").EnumerateArray());
        await member.GetJsonAsync($"/api/v1/customers/{customer.Id()}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PoolSettingsAreValidatedAndNeedSettingsManage()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        var settings = await tenant.Admin.GetJsonAsync("/api/v1/settings/pool");
        Assert.False(settings.TryGetProperty("claimCap", out var cap) && cap.ValueKind == JsonValueKind.Number);
        await (await rep.GetAsync("/api/v1/settings/pool")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var bad = await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/pool", new { claimCap = 0, reclaimCooldownDays = -1 })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("claimCap", bad.ErrorFields());
        Assert.Contains("reclaimCooldownDays", bad.ErrorFields());
        var changed = await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/pool", new { claimCap = 50 })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(50, changed.GetProperty("claimCap").GetInt32());
        Assert.Equal(7, changed.GetProperty("reclaimCooldownDays").GetInt32());
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/pool", new { claimCap = 10 }, "\"stale\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
    }
}

internal static class PoolSetup
{
    /// <summary>A customer <paramref name="owner"/> made and then gave to the pool.</summary>
    public static async Task<JsonElement> PooledCustomerAsync(HttpClient owner, string name)
    {
        var customer = await owner.CreateCustomerAsync(SalesSetup.Unique(name));
        return await owner.PostJsonAsync($"/api/v1/customers/{customer.Id()}/release", new { }, HttpStatusCode.OK);
    }

    public static string? Owner(JsonElement customer) =>
        customer.TryGetProperty("ownerId", out var owner) && owner.ValueKind == JsonValueKind.String ? owner.GetString() : null;

    public static JsonElement Result(JsonElement batch, int index) => batch.GetProperty("results")[index];

    public static JsonElement AssertItemProblem(JsonElement batch, int index, int status, string code)
    {
        var result = Result(batch, index);
        Assert.Equal(status, result.GetProperty("status").GetInt32());
        var error = result.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error;
    }
}
