using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Roles;
using Crm.Commerce.PaymentPlans;
using Crm.Domain.Access;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;
using static Crm.ApiTests.Commerce.PaymentPlanSetup;

namespace Crm.ApiTests.Commerce;

/// <summary>
/// Payment plans through HTTP, the summary of approved receipts counted against them (the component receipts call, driven
/// directly against Azurite) as GET …/payments shows it, and the daily reminders of installments due and overdue.
/// </summary>
public sealed class PaymentPlanApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private ContractPayments Payments => app.Service<ContractPayments>();

    private static object Installment(int number, decimal amount, DateOnly date, string? id = null, string method = "bankTransfer", int remindDaysBefore = 3) =>
        new { id, number, plannedAmount = amount, plannedDate = date.ToString("yyyy-MM-dd"), method, remindDaysBefore };

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, ActiveContract c, string? ifMatch, params object[] installments) =>
        await client.SendAsync(HttpMethod.Put, $"{c.Url}/payment-plan", JsonSerializer.Serialize(new { installments }),
            ifMatch is null ? [] : [("If-Match", ifMatch)]);

    private static async Task<(JsonElement Plan, string ETag)> PlanAsync(HttpClient client, ActiveContract c)
    {
        var response = await client.GetAsync($"{c.Url}/payment-plan");
        return (await response.ExpectAsync(HttpStatusCode.OK), response.Headers.ETag!.Tag);
    }

    private static async Task<(JsonElement Plan, string ETag)> PutOkAsync(HttpClient client, ActiveContract c, params object[] installments)
    {
        var (_, etag) = await PlanAsync(client, c);
        var response = await PutAsync(client, c, etag, installments);
        return (await response.ExpectAsync(HttpStatusCode.OK), response.Headers.ETag!.Tag);
    }

    private static IReadOnlyList<string> InstallmentIds(JsonElement plan) => [.. plan.GetProperty("installments").EnumerateArray().Select(i => i.Id())];

    [Fact]
    public async Task APlanIsReplacedWholeUnderItsVersionAndStaysWithinTheContract()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await ActiveContractAsync(admin);
        var day = TenantToday().AddDays(30);

        var (empty, none) = await PlanAsync(admin, c);
        Assert.Equal("\"none\"", none);
        Assert.Empty(empty.GetProperty("installments").EnumerateArray());
        Assert.Equal("CNY", empty.Str("currency"));

        await (await PutAsync(admin, c, null, Installment(1, 500m, day))).ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "record.if_match_required");
        await (await PutAsync(admin, c, "\"stale\"", Installment(1, 500m, day))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        async Task Bad(HttpStatusCode status, string code, string? field, params object[] installments)
        {
            var problem = await (await PutAsync(admin, c, none, installments)).ExpectProblemAsync(status, code);
            if (field is not null)
            {
                Assert.Contains(field, problem.ErrorFields());
            }
        }
        await Bad(HttpStatusCode.BadRequest, "validation.failed", "installments[1].number", Installment(1, 500m, day), Installment(1, 500m, day));
        await Bad(HttpStatusCode.BadRequest, "validation.failed", "installments[0].number", Installment(2, 500m, day));
        await Bad(HttpStatusCode.BadRequest, "validation.failed", "installments[0].plannedAmount", Installment(1, 0m, day));
        await Bad(HttpStatusCode.BadRequest, "validation.failed", "installments[0].plannedAmount", Installment(1, 10.005m, day));
        await Bad(HttpStatusCode.BadRequest, "validation.failed", "installments[0].remindDaysBefore", Installment(1, 10m, day, remindDaysBefore: -1));
        await Bad(HttpStatusCode.BadRequest, "validation.failed", null, Installment(1, 10m, day, method: "barter"));
        await Bad(HttpStatusCode.BadRequest, "validation.failed", null, new { number = 1, plannedAmount = 10m, plannedDate = "2027-01-01", colour = "red" });
        await Bad(HttpStatusCode.BadRequest, "validation.failed", "installments[0]", new object[] { null! });
        await Bad(HttpStatusCode.BadRequest, "paymentPlan.installment_not_found", "installments[0].id", Installment(1, 10m, day, id: "01aaaaaaaaaaaaaaaaaaaaaaaa"));
        var over = await (await PutAsync(admin, c, none, Installment(1, 600m, day), Installment(2, 530.01m, day.AddDays(30))))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "paymentPlan.exceeds_contract");
        Assert.Equal(1130.01m, over.GetProperty("planned").GetDecimal());

        // Numbers may come in any order; the plan is kept in number order, and ids kept for the installments sent with theirs.
        var (plan, etag) = await PutOkAsync(admin, c, Installment(2, 530m, day.AddDays(30), method: "check"), Installment(1, 600m, day));
        Assert.Equal([1, 2], plan.GetProperty("installments").EnumerateArray().Select(i => i.GetProperty("number").GetInt32()));
        Assert.Equal("check", plan.GetProperty("installments")[1].Str("method"));
        Assert.Equal(tenant.AdminUserId, plan.Str("updatedBy"));
        var ids = InstallmentIds(plan);
        await (await PutAsync(admin, c, none, Installment(1, 600m, day))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        var (replanned, _) = await PutOkAsync(admin, c, Installment(1, 600m, day, id: ids[0]), Installment(2, 300m, day.AddDays(30)), Installment(3, 230m, day.AddDays(60)));
        Assert.Equal(ids[0], InstallmentIds(replanned)[0]);
        Assert.NotEqual(ids[1], InstallmentIds(replanned)[1]);
        Assert.NotEqual(etag, (await PlanAsync(admin, c)).ETag);

        // A terminated contract's plan stays; a draft contract may be planned before it takes effect.
        var draft = await DraftContractAsync(admin);
        await PutOkAsync(admin, draft, Installment(1, 1130m, day));
        await (await PutAsync(admin, draft, "*", Installment(1, 1130.01m, day))).ExpectProblemAsync(HttpStatusCode.Conflict, "paymentPlan.exceeds_contract");
        await (await admin.PostAsJsonAsync($"{c.Url}/terminate", new { reason = "Customer left" })).ExpectAsync(HttpStatusCode.OK);
        await (await PutAsync(admin, c, "*", Installment(1, 100m, day))).ExpectProblemAsync(HttpStatusCode.Conflict, "paymentPlan.contract_terminated");
    }

    [Fact]
    public async Task ThePlanIsReadAndChangedWithTheContractsRightsAndScope()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, _, rep) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesRep));
        var mine = await ActiveContractAsync(tenant.Admin, repId);
        var others = await ActiveContractAsync(tenant.Admin);
        await PutOkAsync(rep, mine, Installment(1, 100m, TenantToday()));
        await rep.GetJsonAsync($"{others.Url}/payment-plan", HttpStatusCode.NotFound);
        await rep.GetJsonAsync($"{others.Url}/payments", HttpStatusCode.NotFound);
        await (await PutAsync(rep, others, "*", Installment(1, 100m, TenantToday()))).ExpectProblemAsync(HttpStatusCode.NotFound, "contract.not_found");
        var (_, _, viewer) = await tenant.NewUserWithRolesAsync((await tenant.CreateRoleAsync(["contracts.view"], dataScope: "all")).Id());
        await viewer.GetJsonAsync($"{mine.Url}/payments");
        await (await PutAsync(viewer, mine, "*", Installment(1, 100m, TenantToday()))).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task CountedReceiptsMakeReceivedOutstandingAndOverdueOncePerReceipt()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await ActiveContractAsync(admin);
        var today = TenantToday();
        var (plan, _) = await PutOkAsync(admin, c, Installment(1, 300m, today.AddDays(-10)), Installment(2, 300m, today.AddDays(-1)),
            Installment(3, 300m, today), Installment(4, 230m, today.AddDays(20)));
        var ids = InstallmentIds(plan);

        var fresh = await admin.GetJsonAsync($"{c.Url}/payments");
        Assert.Equal(ContractTotal, fresh.Dec("outstanding"));
        Assert.Equal(600m, fresh.Dec("overdue"));
        Assert.Equal(["overdue", "overdue", "pending", "pending"], fresh.GetProperty("installments").EnumerateArray().Select(i => i.Str("status")));

        // Installment 1 paid in two parts (one counted twice, as a redelivered approval would), 3 in part, and 100 without an installment.
        await Payments.CountReceiptAsync(tenant.Id, c.ContractId, "r1", ids[0], 200m, today.AddDays(-9), CancellationToken.None);
        await Payments.CountReceiptAsync(tenant.Id, c.ContractId, "r1", ids[0], 200m, today.AddDays(-9), CancellationToken.None);
        await Payments.CountReceiptAsync(tenant.Id, c.ContractId, "r2", ids[0], 100m, today.AddDays(-8), CancellationToken.None);
        await Payments.CountReceiptAsync(tenant.Id, c.ContractId, "r3", ids[2], 50m, today, CancellationToken.None);
        await Payments.CountReceiptAsync(tenant.Id, c.ContractId, "r4", null, 100m, today, CancellationToken.None);

        var payments = await admin.GetJsonAsync($"{c.Url}/payments");
        Assert.Equal(450m, payments.Dec("received"));
        Assert.Equal(680m, payments.Dec("outstanding"));
        Assert.Equal(4, payments.GetProperty("receiptCount").GetInt32());
        Assert.Equal(1130m, payments.Dec("planned"));
        Assert.Equal(today.ToString("yyyy-MM-dd"), payments.Str("asOf"));
        var installments = payments.GetProperty("installments").EnumerateArray().ToList();
        // The 100 without an installment settles the oldest open one: installment 2.
        Assert.Equal([300m, 100m, 50m, 0m], installments.Select(i => i.Dec("received")));
        Assert.Equal(["received", "overdue", "partiallyReceived", "pending"], installments.Select(i => i.Str("status")));
        Assert.Equal(200m, payments.Dec("overdue"));
        Assert.Equal(0m, payments.Dec("unallocated"));

        // What receipts paid on an installment stays planned.
        var (_, etag) = await PlanAsync(admin, c);
        await (await PutAsync(admin, c, etag, Installment(1, 800m, today, id: ids[1]), Installment(2, 50m, today, id: ids[2])))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "paymentPlan.installment_received");
        var cut = await (await PutAsync(admin, c, etag, Installment(1, 299.99m, today, id: ids[0]), Installment(2, 50m, today, id: ids[2])))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "paymentPlan.installment_received");
        Assert.Equal(300m, cut.GetProperty("received").GetDecimal());
        var (replanned, _) = await PutOkAsync(admin, c, Installment(1, 300m, today.AddDays(-10), id: ids[0]), Installment(2, 50m, today.AddDays(5), id: ids[2]));
        Assert.Equal([ids[0], ids[2]], InstallmentIds(replanned));

        // A receipt reversed after approval is taken out; one never counted changes nothing.
        await Payments.UncountReceiptAsync(tenant.Id, c.ContractId, "r2", CancellationToken.None);
        await Payments.UncountReceiptAsync(tenant.Id, c.ContractId, "never", CancellationToken.None);
        var after = await admin.GetJsonAsync($"{c.Url}/payments");
        Assert.Equal(350m, after.Dec("received"));
        // Installment 1 has 200 of its own and the free 100 fills it; installment 2 has its 50.
        Assert.Equal([300m, 50m], after.GetProperty("installments").EnumerateArray().Select(i => i.Dec("received")));
        Assert.Equal(0m, after.Dec("overdue"));
        await (await PutAsync(admin, c, (await PlanAsync(admin, c)).ETag, Installment(1, 200m, today, id: ids[0]))).ExpectProblemAsync(HttpStatusCode.Conflict, "paymentPlan.installment_received");
    }

    [Fact]
    public async Task ReceiptsCountedAtOnceAreEachCountedExactlyOnce()
    {
        var tenant = await app.NewTenantAsync();
        var c = await ActiveContractAsync(tenant.Admin);
        var (plan, _) = await PutOkAsync(tenant.Admin, c, Installment(1, 1130m, TenantToday().AddDays(10)));
        var installmentId = InstallmentIds(plan)[0];

        // Twenty receipts at once, each delivered three times.
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            Payments.CountReceiptAsync(tenant.Id, c.ContractId, $"receipt-{i % 20}", installmentId, 10m, TenantToday(), CancellationToken.None)));
        var state = await Payments.ReadAsync(tenant.Id, c.ContractId, CancellationToken.None);
        Assert.Equal(20, state.Receipts.Count);
        Assert.Equal(200m, state.Receipts.Sum(r => r.Amount));
        var payments = await tenant.Admin.GetJsonAsync($"{c.Url}/payments");
        Assert.Equal(200m, payments.Dec("received"));
        Assert.Equal("partiallyReceived", payments.GetProperty("installments")[0].Str("status"));

        Assert.Equal(installmentId, (await Payments.InstallmentAsync(tenant.Id, c.ContractId, installmentId, CancellationToken.None)).Id);
        var missing = await Assert.ThrowsAsync<Crm.Domain.Common.ValidationException>(() =>
            Payments.InstallmentAsync(tenant.Id, c.ContractId, "01aaaaaaaaaaaaaaaaaaaaaaaa", CancellationToken.None));
        Assert.Equal("paymentPlan.installment_not_found", missing.Code);
    }

    [Fact]
    public async Task TheOwnerIsRemindedBeforeAnOpenInstallmentIsDueAndOnceWhenItIsOverdue()
    {
        var tenant = await app.NewTenantAsync();
        var (ownerId, _, owner) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesRep));
        var c = await ActiveContractAsync(tenant.Admin, ownerId);
        var now = DateTimeOffset.UtcNow;
        var today = TenantToday(now);
        var (plan, _) = await PutOkAsync(tenant.Admin, c, Installment(1, 300m, today.AddDays(3), remindDaysBefore: 3), Installment(2, 300m, today.AddDays(10), remindDaysBefore: 3),
            Installment(3, 300m, today.AddDays(-1)), Installment(4, 230m, today.AddDays(4), remindDaysBefore: 3));
        var ids = InstallmentIds(plan);
        // Installment 4 is paid early: nobody is reminded of it.
        await Payments.CountReceiptAsync(tenant.Id, c.ContractId, "early", ids[3], 230m, today, CancellationToken.None);

        async Task RunAsync(DateTimeOffset at) =>
            await ActivatorUtilities.CreateInstance<PaymentReminderJob>(app.Services, new FixedClock(at))
                .RunAsync(new TimerJobContext(PaymentReminderJob.Name, at, null, false), CancellationToken.None);
        async Task<List<JsonElement>> NoticesAsync() =>
            [.. (await owner.ListAllAsync("/api/v1/notifications")).Where(n => n.Str("kind").StartsWith("paymentPlan.", StringComparison.Ordinal))];

        await RunAsync(now);
        await RunAsync(now);
        var first = await NoticesAsync();
        Assert.Equal(2, first.Count);
        Assert.Contains(first, n => n.Str("kind") == PaymentReminderJob.DueKind && n.Str("title").Contains("Installment 1 ", StringComparison.Ordinal));
        Assert.Contains(first, n => n.Str("kind") == PaymentReminderJob.OverdueKind && n.Str("title").Contains("Installment 3 ", StringComparison.Ordinal));
        Assert.All(first, n => Assert.Equal(c.ContractId, n.Str("recordId")));
        Assert.All(first, n => Assert.Equal("contract", n.Str("recordType")));

        // Four days on, installment 1 is overdue; 2 is not yet within its three days; 3 was told already.
        await RunAsync(now.AddDays(4));
        var later = await NoticesAsync();
        Assert.Equal(3, later.Count);
        Assert.Single(later, n => n.Str("kind") == PaymentReminderJob.OverdueKind && n.Str("title").Contains("Installment 1 ", StringComparison.Ordinal));

        // Paid in full, installment 2 is never reminded; nobody else hears of any of it.
        await Payments.CountReceiptAsync(tenant.Id, c.ContractId, "paid-2", ids[1], 300m, today, CancellationToken.None);
        await RunAsync(now.AddDays(8));
        Assert.Equal(3, (await NoticesAsync()).Count);
        Assert.DoesNotContain((await tenant.Admin.ListAllAsync("/api/v1/notifications")), n => n.Str("kind").StartsWith("paymentPlan.", StringComparison.Ordinal));
    }
}
