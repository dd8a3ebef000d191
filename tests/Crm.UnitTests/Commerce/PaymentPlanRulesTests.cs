using Crm.Domain.Commerce;
using Crm.Domain.Common;

namespace Crm.UnitTests.Commerce;

public sealed class PaymentPlanRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static readonly Contract Contract = new() { Id = "c", Currency = "CNY", Totals = new SalesTotals(1000, 0, 130, 1130) };

    private static Installment Planned(string id, int number, decimal amount, int days, int remind = 3) =>
        new(id, number, amount, Today.AddDays(days), PaymentMethod.BankTransfer, remind, null);

    [Fact]
    public void ReceiptsWithoutAnInstallmentSettleTheOldestOpenOneAfterTheirOwn()
    {
        IReadOnlyList<Installment> plan = [Planned("a", 1, 300, -5), Planned("b", 2, 300, -1), Planned("c", 3, 530, 10)];
        IReadOnlyList<CountedReceipt> receipts = [new("r1", "b", 100, Today), new("r2", null, 450, Today), new("r3", "gone", 50, Today)];
        var view = PaymentPlanRules.Summarize(Contract, new PaymentPlan("c", "CNY", plan, DateTimeOffset.UnixEpoch, "u"), receipts, Today);
        Assert.Equal([300m, 300m, 0m], view.Installments.Select(i => i.Received));
        Assert.Equal(InstallmentStatus.Received, view.Installments[1].Status);
        Assert.Equal(InstallmentStatus.Pending, view.Installments[2].Status);
        Assert.Equal(600m, view.Received);
        Assert.Equal(530m, view.Outstanding);
        Assert.Equal(0m, view.Overdue);
        Assert.Equal(0m, view.Unallocated);
    }

    [Fact]
    public void APlanOverTheContractOrBelowWhatWasReceivedIsRefused()
    {
        IReadOnlyList<Installment> before = [Planned("a", 1, 300, 0)];
        Assert.Equal("paymentPlan.exceeds_contract",
            Assert.Throws<ConflictException>(() => PaymentPlanRules.Check([Planned("a", 1, 1130.01m, 0)], before, [], Contract)).Code);
        Assert.Equal("paymentPlan.installment_received",
            Assert.Throws<ConflictException>(() => PaymentPlanRules.Check([Planned("a", 1, 99, 0)], before, [new("r", "a", 100, Today)], Contract)).Code);
        Assert.Equal("paymentPlan.installment_received",
            Assert.Throws<ConflictException>(() => PaymentPlanRules.Check([], before, [new("r", "a", 100, Today)], Contract)).Code);
        PaymentPlanRules.Check([Planned("a", 1, 100, 0)], before, [new("r", "a", 100, Today)], Contract);
        Assert.Throws<ValidationException>(() => PaymentPlanRules.Check([Planned("a", 1, 100, 0), Planned("b", 3, 100, 0)], [], [], Contract));
    }

    [Theory]
    [InlineData(4, 3, null)]
    [InlineData(3, 3, "due")]
    [InlineData(0, 3, "due")]
    [InlineData(-1, 3, "overdue")]
    public void AnOpenInstallmentIsRemindedFromItsDayAndWhenOverdue(int days, int remind, string? expected)
    {
        var view = PaymentPlanRules.Summarize(Contract, new PaymentPlan("c", "CNY", [Planned("a", 1, 100, days, remind)], DateTimeOffset.UnixEpoch, "u"), [], Today);
        Assert.Equal(expected, PaymentPlanRules.ReminderDue(view.Installments[0], Today));
        var paid = PaymentPlanRules.Summarize(Contract, new PaymentPlan("c", "CNY", [Planned("a", 1, 100, days, remind)], DateTimeOffset.UnixEpoch, "u"),
            [new("r", "a", 100, Today)], Today);
        Assert.Null(PaymentPlanRules.ReminderDue(paid.Installments[0], Today));
    }

    [Fact]
    public void InvoicesStayWithinTheContractAndSpecialOnesCarryTheBuyersDetails()
    {
        var contract = Contract with { Status = ContractStatus.Active, Number = "HT-1" };
        InvoiceRules.EnsureWithinContract(1000, 130, contract);
        Assert.Equal("invoice.exceeds_contract", Assert.Throws<ConflictException>(() => InvoiceRules.EnsureWithinContract(1000, 130.01m, contract)).Code);
        Assert.Equal("invoice.invalid_amount", Assert.Throws<ValidationException>(() => InvoiceRules.CheckAmount(1.5m, "JPY")).Code);
        InvoiceRules.CheckAmount(2m, "JPY");
        var special = Assert.Throws<ValidationException>(() => InvoiceRules.CheckBuyer(new Invoice { Type = InvoiceType.SpecialVat, TaxNumber = "91310000MA1FL8XQ3B" }));
        Assert.Equal(["address", "bankAccount", "bankName", "phone"], special.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("invoice.contract_not_active", Assert.Throws<ConflictException>(() => InvoiceRules.EnsureInvoiceable(contract with { Status = ContractStatus.Draft })).Code);
    }
}
