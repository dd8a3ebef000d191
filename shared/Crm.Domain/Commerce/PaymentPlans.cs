using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

public enum PaymentMethod
{
    BankTransfer,
    Cash,
    Check,
    Online,
    Other,
}

/// <summary>One planned payment (期次) of a contract: so much by a date, the owner reminded so many days before.</summary>
public sealed record Installment(string Id, int Number, decimal PlannedAmount, DateOnly PlannedDate, PaymentMethod Method, int RemindDaysBefore, string? Note);

/// <summary>When and how a contract is to be paid (回款计划), in the contract's currency.</summary>
public sealed record PaymentPlan(string ContractId, string Currency, IReadOnlyList<Installment> Installments, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>An approved receipt as the contract's summary counts it: its id keeps it from being counted twice.</summary>
public sealed record CountedReceipt(string ReceiptId, string? InstallmentId, decimal Amount, DateOnly Date);

public enum InstallmentStatus
{
    Pending,
    PartiallyReceived,
    Received,
    Overdue,
}

public sealed record InstallmentPayments(string Id, int Number, decimal PlannedAmount, DateOnly PlannedDate, PaymentMethod Method, int RemindDaysBefore,
    string? Note, decimal Received, decimal Open, InstallmentStatus Status);

/// <summary>What a contract has received against its total and its plan, as of one day in the tenant's calendar, with what is invoiced beside it.</summary>
public sealed record ContractPaymentsView(string ContractId, string Currency, decimal ContractTotal, decimal Planned, decimal Received, decimal Outstanding,
    decimal Overdue, decimal Unallocated, decimal Invoiced, int ReceiptCount, DateOnly AsOf, IReadOnlyList<InstallmentPayments> Installments);

public static class PaymentPlanRules
{
    public const int MaxInstallments = 120;
    public const int MaxRemindDays = 365;

    /// <summary>
    /// What is received on each installment: the receipts that name it, then those naming none (or an installment taken
    /// out of the plan) fill the open installments in number order, as a payment without a reference settles the oldest debt.
    /// </summary>
    public static (IReadOnlyDictionary<string, decimal> Covered, decimal Unallocated) Allocate(IReadOnlyList<Installment> installments, IReadOnlyList<CountedReceipt> receipts)
    {
        var ids = installments.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var covered = installments.ToDictionary(i => i.Id, i => Direct(receipts, i.Id), StringComparer.Ordinal);
        var free = receipts.Where(r => r.InstallmentId is null || !ids.Contains(r.InstallmentId)).Sum(r => r.Amount);
        foreach (var installment in installments.OrderBy(i => i.Number))
        {
            var take = Math.Min(free, Math.Max(0, installment.PlannedAmount - covered[installment.Id]));
            covered[installment.Id] += take;
            free -= take;
        }
        return (covered, free);
    }

    /// <summary>What the receipts naming an installment paid on it: the floor a plan change may not take it below.</summary>
    public static decimal Direct(IReadOnlyList<CountedReceipt> receipts, string installmentId) =>
        receipts.Where(r => r.InstallmentId == installmentId).Sum(r => r.Amount);

    public static ContractPaymentsView Summarize(Contract contract, PaymentPlan? plan, IReadOnlyList<CountedReceipt> receipts, DateOnly today, decimal invoiced = 0)
    {
        var installments = plan?.Installments ?? [];
        var (covered, unallocated) = Allocate(installments, receipts);
        var views = installments.OrderBy(i => i.Number).Select(i =>
        {
            var received = covered[i.Id];
            var open = Math.Max(0, i.PlannedAmount - received);
            var status = open == 0 ? InstallmentStatus.Received
                : i.PlannedDate < today ? InstallmentStatus.Overdue
                : received > 0 ? InstallmentStatus.PartiallyReceived
                : InstallmentStatus.Pending;
            return new InstallmentPayments(i.Id, i.Number, i.PlannedAmount, i.PlannedDate, i.Method, i.RemindDaysBefore, i.Note, received, open, status);
        }).ToList();
        var total = contract.Totals.Gross;
        var receivedTotal = receipts.Sum(r => r.Amount);
        return new ContractPaymentsView(contract.Id, contract.Currency, total, installments.Sum(i => i.PlannedAmount), receivedTotal,
            Math.Max(0, total - receivedTotal), views.Where(v => v.Status == InstallmentStatus.Overdue).Sum(v => v.Open), unallocated, invoiced, receipts.Count, today, views);
    }

    /// <summary>
    /// The plan a client sent, checked against the contract and what was received: numbers 1..n each once, amounts in the
    /// contract's minor unit, the sum within the contract's total (409 <c>paymentPlan.exceeds_contract</c>), and no
    /// installment that receipts name taken out or cut below what they paid (409 <c>paymentPlan.installment_received</c>).
    /// </summary>
    public static void Check(IReadOnlyList<Installment> installments, IReadOnlyList<Installment> before, IReadOnlyList<CountedReceipt> receipts, Contract contract)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (installments.Count > MaxInstallments)
        {
            errors["installments"] = [$"At most {MaxInstallments} installments."];
        }
        var numbers = installments.Select(i => i.Number).ToHashSet();
        for (var i = 0; i < installments.Count; i++)
        {
            var installment = installments[i];
            var path = $"installments[{i}]";
            if (installment.Number < 1 || installment.Number > installments.Count)
            {
                errors[$"{path}.number"] = [$"From 1 to {installments.Count}: the installments are numbered 1..n."];
            }
            else if (installments.Take(i).Any(o => o.Number == installment.Number))
            {
                errors[$"{path}.number"] = ["Each number once."];
            }
            if (installment.PlannedAmount <= 0 || Money.Round(installment.PlannedAmount, contract.Currency) != installment.PlannedAmount)
            {
                errors[$"{path}.plannedAmount"] = [$"More than 0 with at most {Money.MinorUnits(contract.Currency)} decimals ({contract.Currency})."];
            }
            if (installment.RemindDaysBefore is < 0 or > MaxRemindDays)
            {
                errors[$"{path}.remindDaysBefore"] = [$"From 0 to {MaxRemindDays}."];
            }
            if (installments.Take(i).Any(o => o.Id == installment.Id))
            {
                errors[$"{path}.id"] = ["Each installment once."];
            }
        }
        if (errors.Count == 0 && numbers.Count != installments.Count)
        {
            errors["installments"] = ["The installments are numbered 1..n, each once."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var planned = installments.Sum(i => i.PlannedAmount);
        if (planned > contract.Totals.Gross)
        {
            throw new ConflictException("paymentPlan.exceeds_contract",
                $"The installments add up to {planned} {contract.Currency}, more than the contract's total of {contract.Totals.Gross}.",
                new Dictionary<string, object?> { ["planned"] = planned, ["contractTotal"] = contract.Totals.Gross });
        }
        foreach (var old in before)
        {
            var received = Direct(receipts, old.Id);
            var kept = installments.FirstOrDefault(i => i.Id == old.Id);
            if (received > 0 && (kept is null || kept.PlannedAmount < received))
            {
                throw new ConflictException("paymentPlan.installment_received",
                    $"Installment {old.Number} has {received} {contract.Currency} received against it; it stays, planned at {received} or more.",
                    new Dictionary<string, object?> { ["installmentId"] = old.Id, ["received"] = received });
            }
        }
    }

    /// <summary>The reminder due for an installment on <paramref name="today"/>: "due" from N days before its date until it, "overdue" after it, none once covered.</summary>
    public static string? ReminderDue(InstallmentPayments installment, DateOnly today) =>
        installment.Open <= 0 ? null
        : installment.PlannedDate < today ? "overdue"
        : installment.PlannedDate.AddDays(-installment.RemindDaysBefore) <= today ? "due"
        : null;
}
