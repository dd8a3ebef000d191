using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

public sealed class CustomerTransferTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task TransferMovesTheCustomersAndTheirContactsAndKeepsTheOldOwnerAsAMember()
    {
        var tenant = await app.NewTenantAsync();
        var (oldId, old) = await app.NewSellerAsync(tenant);
        var (newId, fresh) = await app.NewSellerAsync(tenant);
        var first = await old.CreateCustomerAsync(SalesSetup.Unique("First"));
        var second = await old.CreateCustomerAsync(SalesSetup.Unique("Second"));
        var contact = await old.CreateContactAsync(first.Id(), "Follows");

        var result = await tenant.Admin.PostJsonAsync("/api/v1/customers/transfer",
            new { ids = new[] { first.Id(), second.Id() }, ownerId = newId, cascade = new[] { "contacts" }, keepOldOwnerAsMember = true }, HttpStatusCode.OK);
        Assert.All(result.GetProperty("results").EnumerateArray(), r => Assert.Equal(200, r.GetProperty("status").GetInt32()));

        var moved = await fresh.GetJsonAsync($"/api/v1/customers/{first.Id()}");
        Assert.Equal(newId, moved.Str("ownerId"));
        var seat = Assert.Single(moved.GetProperty("team").EnumerateArray());
        Assert.Equal(oldId, seat.Str("userId"));
        Assert.Equal("readWrite", seat.Str("access"));
        var movedContact = await fresh.GetJsonAsync($"/api/v1/contacts/{contact.Id()}");
        Assert.Equal(newId, movedContact.Str("ownerId"));
        Assert.Equal(oldId, Assert.Single(movedContact.GetProperty("team").EnumerateArray()).Str("userId"));
        // The old owner still reaches it through the team, and may edit it.
        await (await old.PatchJsonAsync($"/api/v1/customers/{first.Id()}", new { level = "a" })).ExpectAsync(HttpStatusCode.OK);

        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={first.Id()}");
        var transfer = audit.First(e => e.GetProperty("changes").TryGetProperty("ownerId", out _));
        Assert.Equal("transferred", transfer.Str("activity"));
        var change = transfer.GetProperty("changes").GetProperty("ownerId");
        Assert.Equal(oldId, change.Str("before"));
        Assert.Equal(newId, change.Str("after"));
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.customer.updated"),
            p => p.Items().Any(e => e.GetProperty("data").Str("recordId") == second.Id() && e.GetProperty("data").Str("activity") == "transferred"
                && e.GetProperty("data").GetProperty("changes").TryGetProperty("ownerId", out _)));
    }

    [Fact]
    public async Task WithoutCascadeContactsKeepTheirOwnerAndWithoutKeepTheOldOwnerLosesSight()
    {
        var tenant = await app.NewTenantAsync();
        var (oldId, old) = await app.NewSellerAsync(tenant);
        var (newId, _) = await app.NewSellerAsync(tenant);
        var customer = await old.CreateCustomerAsync(SalesSetup.Unique("Plain move"));
        var contact = await old.CreateContactAsync(customer.Id(), "Stays");
        await tenant.Admin.PostJsonAsync("/api/v1/customers/transfer", new { ids = new[] { customer.Id() }, ownerId = newId }, HttpStatusCode.OK);
        await (await old.GetAsync($"/api/v1/customers/{customer.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        Assert.Equal(oldId, (await old.GetJsonAsync($"/api/v1/contacts/{contact.Id()}")).Str("ownerId"));
    }

    [Fact]
    public async Task EachIdNeedsTheTransferRightInScopeAndAnswersOnItsOwn()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var (colleagueId, colleague) = await app.NewSellerAsync(tenant);
        var viewer = await app.CreateRoleAsync(tenant, DataScope.All, ["customers.view", "customers.transfer"]);
        var (_, seesAll) = await tenant.NewMemberAsync(null, null, viewer, await app.CreateRoleAsync(tenant, DataScope.Self, ["customers.create"]));
        var mine = await rep.CreateCustomerAsync(SalesSetup.Unique("Mine"));
        var theirs = await colleague.CreateCustomerAsync(SalesSetup.Unique("Theirs"));

        var result = await (await rep.PostAsJsonAsync("/api/v1/customers/transfer",
            new { ids = new[] { mine.Id(), theirs.Id(), "01aaaaaaaaaaaaaaaaaaaaaaaa" }, ownerId = colleagueId })).ExpectAsync((HttpStatusCode)207);
        var items = result.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([200, 404, 404], items.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("customer.not_found", items[1].GetProperty("error").Str("code"));
        Assert.Equal(colleagueId, (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{mine.Id()}")).Str("ownerId"));

        // Seeing a customer is not enough: a read-only seat is refused with 403.
        var limited = await app.CreateRoleAsync(tenant, DataScope.Self, ["customers.view", "customers.transfer"]);
        var readerRole = await app.CreateRoleAsync(tenant, DataScope.All, ["customers.view"]);
        var (_, reader) = await tenant.NewMemberAsync(null, null, limited, readerRole);
        var refused = await (await reader.PostAsJsonAsync("/api/v1/customers/transfer", new { ids = new[] { theirs.Id() }, ownerId = repId })).ExpectAsync((HttpStatusCode)207);
        Assert.Equal(403, refused.GetProperty("results")[0].GetProperty("status").GetInt32());
        Assert.Equal(colleagueId, (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{theirs.Id()}")).Str("ownerId"));
        await seesAll.PostJsonAsync("/api/v1/customers/transfer", new { ids = new[] { theirs.Id() }, ownerId = repId }, HttpStatusCode.OK);

        // Without the permission at all: 403 before anything.
        var (_, plain) = await app.NewSellerAsync(tenant, rights: ["customers.view", "customers.create"]);
        await (await plain.PostAsJsonAsync("/api/v1/customers/transfer", new { ids = new[] { mine.Id() }, ownerId = repId })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task BadTransfersAnswer400AndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, _) = await app.NewSellerAsync(tenant);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Unmoved"));
        var ids = new[] { customer.Id() };
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids, ownerId = staffId, cascade = new[] { "invoices" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "transfer.unknown_cascade");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids, ownerId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "record.owner_not_found");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids = Array.Empty<string>(), ownerId = staffId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids = Enumerable.Range(0, 101).Select(_ => customer.Id()), ownerId = staffId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{staffId}", new { status = "disabled" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids, ownerId = staffId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "record.owner_inactive");
        Assert.Equal(tenant.AdminUserId, (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")).Str("ownerId"));
    }

    [Fact]
    public async Task ALockedCustomerIsNotTransferredUntilUnlocked()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var (otherId, _) = await app.NewSellerAsync(tenant);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Locked"));

        var lockResponse = await rep.PostAsync($"/api/v1/customers/{customer.Id()}/lock", null);
        var locked = await lockResponse.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(repId, locked.Str("lockedBy"));
        Assert.Equal($"\"{locked.Str("version")}\"", lockResponse.Headers.ETag?.Tag);
        // Locking again changes nothing.
        Assert.Equal(locked.Str("version"), (await rep.PostJsonAsync($"/api/v1/customers/{customer.Id()}/lock", new { }, HttpStatusCode.OK)).Str("version"));

        var refused = await (await rep.PostAsJsonAsync("/api/v1/customers/transfer", new { ids = new[] { customer.Id() }, ownerId = otherId })).ExpectAsync((HttpStatusCode)207);
        Assert.Equal(409, refused.GetProperty("results")[0].GetProperty("status").GetInt32());
        Assert.Equal("customer.locked", refused.GetProperty("results")[0].GetProperty("error").Str("code"));

        var unlocked = await rep.PostJsonAsync($"/api/v1/customers/{customer.Id()}/unlock", new { }, HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unlocked.GetProperty("lockedAt").ValueKind);
        await rep.PostJsonAsync("/api/v1/customers/transfer", new { ids = new[] { customer.Id() }, ownerId = otherId }, HttpStatusCode.OK);
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        Assert.Equal(2, audit.Count(e => e.GetProperty("changes").TryGetProperty("lockedAt", out _)));
    }

    [Fact]
    public async Task LockingNeedsTheLockRightInScopeAndHonoursIfMatch()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant, rights: ["customers.view", "customers.create", "customers.edit"]);
        var (_, colleague) = await app.NewSellerAsync(tenant);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Unlockable"));
        var theirs = await colleague.CreateCustomerAsync(SalesSetup.Unique("Theirs"));
        await (await rep.PostAsync($"/api/v1/customers/{customer.Id()}/lock", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await colleague.PostAsync($"/api/v1/customers/{customer.Id()}/lock", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await colleague.SendAsync(HttpMethod.Post, $"/api/v1/customers/{theirs.Id()}/lock", null, ("If-Match", "\"stale\""))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await colleague.GetJsonAsync($"/api/v1/customers/{theirs.Id()}")).GetProperty("lockedAt").ValueKind);
    }
}
