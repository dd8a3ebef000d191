using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;
using Crm.Domain.Approvals;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Approvals;
using Crm.Platform.Web;
using Crm.Storage.Approvals;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using ApprovalService = Crm.Platform.Approvals.Approvals;

namespace Crm.ApiTests.Approvals;

/// <summary>
/// Approvals that outlive what ran them: a host stopped in the middle of one and another started on the same storage,
/// and the approval-sweep job finishing, or removing, what a submission cut short left behind.
/// </summary>
public sealed class ApprovalRecoveryTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] SalesRights = ["customers.view", "customers.create", "contracts.view", "contracts.create", "contracts.edit", "products.view"];

    private sealed record Office(TestTenant Tenant, string RepId, HttpClient Rep, string ApproverId, HttpClient Approver, string FlowId, string ProductId);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static async Task<Office> OfficeAsync(CrmApp host)
    {
        var tenant = await host.NewTenantAsync();
        var product = await tenant.Admin.PostJsonAsync("/api/v1/products", new { code = "DRL", name = "Drill", listPrice = 100m, taxRate = 0m }, HttpStatusCode.Created);
        var (repId, rep) = await tenant.NewMemberAsync(null, null, await host.CreateRoleAsync(tenant, DataScope.Self, SalesRights));
        var (approverId, approver) = await tenant.NewMemberAsync(null, null);
        var flow = await tenant.Admin.PostJsonAsync("/api/v1/approval-flows", new
        {
            name = "One step " + Api.Stamp(), documentType = "contract",
            steps = new[] { new { name = "Approver", approvers = new { kind = "users", userIds = new[] { approverId } } } },
        }, HttpStatusCode.Created);
        return new Office(tenant, repId, rep, approverId, approver, flow.Id(), product.Id());
    }

    private static async Task<string> ContractAsync(Office office)
    {
        var customer = await office.Rep.CreateCustomerAsync(SalesSetup.Unique("Buyer"), office.RepId);
        return (await office.Rep.PostJsonAsync("/api/v1/contracts", new
        {
            name = "Supply", customerId = customer.Id(), lines = new[] { new { productId = office.ProductId, quantity = 10m } },
        }, HttpStatusCode.Created)).Id();
    }

    private static async Task<IReadOnlyList<JsonElement>> InboxAsync(HttpClient client) => (await client.GetJsonAsync("/api/v1/approvals/inbox")).Items();

    private static async Task<IReadOnlyList<string>> NoticesAsync(HttpClient client) =>
        [.. (await client.ListAllAsync("/api/v1/notifications")).Select(n => n.Str("kind"))];

    private static string? Activity(JsonElement entry) =>
        entry.TryGetProperty("activity", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;

    /// <summary>The contract's change events in the tenant's feed, every page.</summary>
    private static async Task<List<JsonElement>> ContractEventsAsync(HttpClient admin, string contractId)
    {
        var events = new List<JsonElement>();
        string? after = null;
        while (true)
        {
            var page = await admin.GetJsonAsync("/api/v1/events?limit=100&types=crm.contract.updated" + (after is null ? "" : $"&after={after}"));
            var items = page.Items();
            events.AddRange(items.Where(e => e.GetProperty("data").Str("recordId") == contractId));
            if (items.Count == 0 || page.NextCursor() is not { } next)
            {
                return events;
            }
            after = next;
        }
    }

    /// <summary>
    /// The stored state a decision must leave, however many hosts took part: the contract active under the approval,
    /// one approval of one step with one decision by the approver, and one activation in the audit log and the feed.
    /// </summary>
    private static async Task AssertApprovedOnceAsync(Office office, HttpClient admin, HttpClient rep, string contractId, string approvalId)
    {
        var url = $"/api/v1/contracts/{contractId}";
        var contract = await Http.EventuallyAsync(() => rep.GetJsonAsync(url), c => c.Str("status") == "active", TimeSpan.FromSeconds(60));
        Assert.Equal(approvalId, contract.Str("approvalId"));
        var history = await Http.EventuallyAsync(async () => (await rep.GetJsonAsync($"{url}/approval")).Items(),
            h => h.Count > 0 && h[0].GetProperty("settled").GetBoolean());
        var approval = Assert.Single(history);
        Assert.Equal((approvalId, "approved"), (approval.Id(), approval.Str("outcome")));
        var step = Assert.Single(approval.GetProperty("steps").EnumerateArray());
        var decided = Assert.Single(step.GetProperty("seats").EnumerateArray(), s => s.GetProperty("decision").ValueKind == JsonValueKind.Object);
        Assert.Equal(office.ApproverId, decided.GetProperty("decision").Str("userId"));

        var audit = await admin.ListAllAsync($"/api/v1/audit-logs?recordType=contract&recordId={contractId}");
        Assert.Single(audit, e => Activity(e) == Activities.Submitted);
        Assert.Equal(office.ApproverId, Assert.Single(audit, e => Activity(e) == Activities.Approved).Str("actorId"));
        var events = await Http.EventuallyAsync(() => ContractEventsAsync(admin, contractId),
            e => e.Any(x => Activity(x.GetProperty("data")) == Activities.Approved), TimeSpan.FromSeconds(30));
        Assert.Single(events, e => Activity(e.GetProperty("data")) == Activities.Approved);
        Assert.Single(events, e => Activity(e.GetProperty("data")) == Activities.Submitted);
        Assert.Single(await Http.EventuallyAsync(() => NoticesAsync(rep), n => n.Contains("approval.approved")), k => k == "approval.approved");
    }

    [Fact]
    public async Task AnApprovalWhoseHostStoppedIsApprovedThroughTheNextHostAndActivatesItsContractOnce()
    {
        var first = new CrmApp();
        await first.InitializeAsync();
        CrmApp? second = null;
        try
        {
            var office = await OfficeAsync(first);
            var id = await ContractAsync(office);
            var url = $"/api/v1/contracts/{id}";
            var submitted = await (await office.Rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
            await Http.EventuallyAsync(() => InboxAsync(office.Approver), items => items.Any(a => a.Str("documentId") == id));
            // The request notice comes from the orchestration's first activity: it has run, and now waits for the decision.
            await Http.EventuallyAsync(() => NoticesAsync(office.Approver), n => n.Contains("approval.requested"));
            var instanceId = ApprovalService.InstanceId(office.Tenant.Id, submitted.Id());
            Assert.Equal(OrchestrationRuntimeStatus.Running, (await first.Service<DurableTaskClient>().GetInstanceAsync(instanceId))!.RuntimeStatus);
            await first.DisposeAsync();

            second = first.OnSameStorage();
            await second.InitializeAsync();
            // The users keep their tokens across the restart.
            HttpClient Again(HttpClient client) => second.ClientWithToken(client.DefaultRequestHeaders.Authorization!.Parameter!);
            var (admin, rep, approver) = (Again(office.Tenant.Admin), Again(office.Rep), Again(office.Approver));
            Assert.Equal("pendingApproval", (await rep.GetJsonAsync(url)).Str("status"));
            Assert.Contains(await InboxAsync(approver), a => a.Id() == submitted.Id());

            var decided = await (await approver.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("approved", decided.Str("outcome"));
            await AssertApprovedOnceAsync(office, admin, rep, id, submitted.Id());
            var run = await Http.EventuallyAsync(() => second.Service<DurableTaskClient>().GetInstanceAsync(instanceId), i => i is { IsCompleted: true });
            Assert.Equal(OrchestrationRuntimeStatus.Completed, run!.RuntimeStatus);
            Assert.Single(await NoticesAsync(approver), k => k == "approval.requested");
            Assert.Empty(await InboxAsync(approver));
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    [Fact]
    public async Task TheSweepStartsTheOrchestrationOfAnApprovalWhoseDocumentWentUnderItAndApprovingCompletesIt()
    {
        var office = await OfficeAsync(app);
        var id = await ContractAsync(office);
        var cut = await CutShortAsync(office, id, documentOpened: true);
        Assert.Equal("pendingApproval", (await office.Rep.GetJsonAsync($"/api/v1/contracts/{id}")).Str("status"));
        var client = app.Service<DurableTaskClient>();
        var instanceId = ApprovalService.InstanceId(office.Tenant.Id, cut.Id);

        // Within its grace period the sweep leaves the approval to the submission, which may still be running.
        await SweepAsync(DateTimeOffset.UtcNow);
        Assert.Null(await client.GetInstanceAsync(instanceId));
        Assert.Contains($"o~{cut.Id}", await RowKeysAsync(office, "o~"));

        await SweepAsync(DateTimeOffset.UtcNow.AddMinutes(3));
        Assert.NotNull(await client.GetInstanceAsync(instanceId));
        Assert.DoesNotContain($"o~{cut.Id}", await RowKeysAsync(office, "o~"));
        await Http.EventuallyAsync(() => InboxAsync(office.Approver), items => items.Any(a => a.Id() == cut.Id));
        await SweepAsync(DateTimeOffset.UtcNow.AddMinutes(3));

        var decided = await (await office.Approver.PostAsync($"/api/v1/contracts/{id}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("approved", decided.Str("outcome"));
        await AssertApprovedOnceAsync(office, office.Tenant.Admin, office.Rep, id, cut.Id);
        Assert.Single(await NoticesAsync(office.Approver), k => k == "approval.requested");
    }

    [Fact]
    public async Task TheSweepRemovesAnApprovalCutShortBeforeItsDocumentWentUnderItAndTheDocumentIsThenSubmittedNormally()
    {
        var office = await OfficeAsync(app);
        var id = await ContractAsync(office);
        var cut = await CutShortAsync(office, id, documentOpened: false);
        string[] rows = [$"i~{cut.Id}", $"d~contract~{id}~{cut.Id}", $"o~{cut.Id}"];

        await SweepAsync(DateTimeOffset.UtcNow);
        Assert.Equal(rows.Order(StringComparer.Ordinal), (await RowKeysAsync(office, "")).Intersect(rows).Order(StringComparer.Ordinal));

        await SweepAsync(DateTimeOffset.UtcNow.AddMinutes(3));
        Assert.DoesNotContain(await RowKeysAsync(office, ""), k => k.Contains(cut.Id, StringComparison.Ordinal));
        Assert.Null(await app.Service<DurableTaskClient>().GetInstanceAsync(ApprovalService.InstanceId(office.Tenant.Id, cut.Id)));
        Assert.Equal("draft", (await office.Rep.GetJsonAsync($"/api/v1/contracts/{id}")).Str("status"));

        var submitted = await (await office.Rep.PostAsync($"/api/v1/contracts/{id}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", submitted.Str("outcome"));
        Assert.NotEqual(cut.Id, submitted.Id());
        await Http.EventuallyAsync(() => InboxAsync(office.Approver), items => items.Any(a => a.Id() == submitted.Id()));
        await (await office.Approver.PostAsync($"/api/v1/contracts/{id}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        await AssertApprovedOnceAsync(office, office.Tenant.Admin, office.Rep, id, submitted.Id());
        Assert.Equal([submitted.Id()], (await app.Service<ApprovalStore>().OfDocumentAsync(office.Tenant.Id, "contract", id)).Select(i => i.Id));
    }

    /// <summary>The approval-sweep job as the scheduler runs it, at a time the test chooses.</summary>
    private Task SweepAsync(DateTimeOffset at) =>
        ActivatorUtilities.CreateInstance<ApprovalSweepJob>(app.Services, new FixedClock(at))
            .RunAsync(new TimerJobContext(ApprovalSweepJob.Name, at, null, false), CancellationToken.None);

    /// <summary>
    /// What a submission leaves when its process stops before it begins the first step and starts the orchestration:
    /// the approval with its document and opening rows, and, when <paramref name="documentOpened"/>, the contract under it.
    /// </summary>
    private async Task<ApprovalInstance> CutShortAsync(Office office, string contractId, bool documentOpened)
    {
        var tenantId = office.Tenant.Id;
        var flow = await app.Service<RecordStore<ApprovalFlow>>().GetAsync(tenantId, office.FlowId);
        var now = DateTimeOffset.UtcNow;
        var created = await app.Service<ApprovalStore>().CreateAsync(tenantId, new ApprovalInstance
        {
            Id = Ids.New(now),
            CreatedAt = now,
            CreatedBy = office.RepId,
            UpdatedAt = now,
            UpdatedBy = office.RepId,
            DocumentType = "contract",
            DocumentId = contractId,
            DocumentName = "Supply",
            SubmitterId = office.RepId,
            SubmittedAt = now,
            Facts = new ApprovalFacts(1000m, null, []),
            FlowId = flow.Id,
            FlowName = flow.Name,
            FlowRevision = flow.Revision,
            FlowSteps = flow.Steps,
        }, opening: true);
        if (documentOpened)
        {
            var access = app.Service<AccessDirectory>();
            var user = await access.UserAsync(tenantId, office.RepId, CancellationToken.None);
            var caller = new Caller(tenantId, office.RepId, await access.ProfileAsync(tenantId, user!, CancellationToken.None), null);
            await app.Service<ApprovalService>().Document("contract").OpenAsync(caller, contractId, null, created.Id, CancellationToken.None);
        }
        return created;
    }

    /// <summary>The row keys of the tenant's partition of the approvals table that start with <paramref name="prefix"/>.</summary>
    private async Task<List<string>> RowKeysAsync(Office office, string prefix)
    {
        var keys = new List<string>();
        await foreach (var row in app.Service<ApprovalStore>().Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {office.Tenant.Id}"),
                           select: ["RowKey"]))
        {
            if (row.RowKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                keys.Add(row.RowKey);
            }
        }
        return keys;
    }
}
