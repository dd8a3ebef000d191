using System.ComponentModel.DataAnnotations;
using Crm.Commerce.Contracts;
using Crm.Commerce.Invoices;
using Crm.Commerce.SalesDocuments;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.PaymentPlans;

/// <summary>An installment as a client sends it: with the id it was read with to keep it, without one for a new installment.</summary>
public sealed record InstallmentInput(
    [property: StringLength(26)] string? Id,
    int Number,
    decimal PlannedAmount,
    [property: Required] DateOnly? PlannedDate,
    PaymentMethod Method = PaymentMethod.BankTransfer,
    int RemindDaysBefore = 3,
    [property: StringLength(500)] string? Note = null);

/// <summary>A contract's whole plan, replacing the one before.</summary>
public sealed record PaymentPlanInput([property: Required, MaxLength(PaymentPlanRules.MaxInstallments)] IReadOnlyList<InstallmentInput>? Installments);

public sealed record PaymentPlanView(string ContractId, string Currency, string Version, IReadOnlyList<Installment> Installments, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>
/// A contract's payment plan (<c>GET</c>/<c>PUT /api/v1/contracts/{id}/payment-plan</c>) and what it received against it
/// (<c>GET …/payments</c>): read with <c>contracts.view</c>, changed with <c>contracts.edit</c>, both within the caller's data scope.
/// </summary>
internal sealed class PaymentPlanEndpoints : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/contracts/{id}").WithTags("Contracts");
        group.MapGet("/payment-plan", GetPaymentPlan).RequirePermission("contracts.view").WithName("GetPaymentPlan")
            .WithSummary("The contract's installments (none before a plan is set), with the plan's version as ETag");
        group.MapPut("/payment-plan", PutPaymentPlan).RequirePermission("contracts.edit").WithName("PutPaymentPlan").ChecksIfMatch()
            .WithSummary("Replace the contract's installments (If-Match required: the version read, \"none\" for the first plan)");
        group.MapGet("/payments", GetContractPayments).RequirePermission("contracts.view").WithName("GetContractPayments")
            .WithSummary("Received, outstanding and overdue on the contract, and each installment's status, from the counted receipts");
    }

    public static async Task<Ok<PaymentPlanView>> GetPaymentPlan(string id, ContractService contracts, ContractPayments payments, DocumentActions actions, HttpContext context)
    {
        var caller = context.Caller();
        var contract = await actions.GetForAsync(caller, contracts.Store, id, Permissions.Actions.View, context.RequestAborted);
        return Answer(context, contract, await payments.ReadAsync(caller.TenantId, contract.Id, context.RequestAborted));
    }

    public static async Task<Ok<PaymentPlanView>> PutPaymentPlan(string id, PaymentPlanInput input, ContractService contracts, ContractPayments payments,
        DocumentActions actions, HttpContext context)
    {
        RequestValidation.Validate(input);
        for (var i = 0; i < input.Installments!.Count; i++)
        {
            if (input.Installments[i] is null)
            {
                throw new ValidationException($"installments[{i}]", "An installment is an object.");
            }
        }
        var caller = context.Caller();
        // First the contract (another tenant's or one out of scope is 404 whatever the headers), then the version.
        var contract = await actions.GetForAsync(caller, contracts.Store, id, Permissions.Actions.Edit, context.RequestAborted);
        // The plan is replaced as a whole, so a write that does not name the version it replaces is refused.
        if (context.Request.Headers.IfMatch.Count == 0)
        {
            throw new PreconditionRequiredException();
        }
        if (contract.Status == ContractStatus.Terminated)
        {
            throw new ConflictException("paymentPlan.contract_terminated", "A terminated contract's payment plan stays as it was.");
        }
        var installments = input.Installments!.Select(i => new Installment(i.Id?.Trim() ?? "", i.Number, i.PlannedAmount, i.PlannedDate!.Value, i.Method,
            i.RemindDaysBefore, TextNormalizer.Trimmed(i.Note))).ToList();
        var state = await payments.PutPlanAsync(caller.TenantId, contract, installments, Preconditions.IfMatch(context), caller.UserId, context.RequestAborted);
        return Answer(context, contract, state);
    }

    public static async Task<Ok<ContractPaymentsView>> GetContractPayments(string id, ContractService contracts, ContractPayments payments, InvoicedTotals invoiced,
        DocumentActions actions, HttpContext context)
    {
        var caller = context.Caller();
        var contract = await actions.GetForAsync(caller, contracts.Store, id, Permissions.Actions.View, context.RequestAborted);
        var state = await payments.ReadAsync(caller.TenantId, contract.Id, context.RequestAborted);
        var today = await actions.TodayAsync(caller.TenantId, context.RequestAborted);
        var totals = await invoiced.ReadAsync(caller.TenantId, contract.Id, context.RequestAborted);
        return TypedResults.Ok(PaymentPlanRules.Summarize(contract, state.Plan, state.Receipts, today, totals.Invoiced));
    }

    private static Ok<PaymentPlanView> Answer(HttpContext context, Contract contract, ContractPayments.State state)
    {
        context.Response.Headers.ETag = Preconditions.ETag(state.Version);
        return TypedResults.Ok(new PaymentPlanView(contract.Id, contract.Currency, state.Version, state.Plan?.Installments ?? [], state.Plan?.UpdatedAt, state.Plan?.UpdatedBy));
    }
}
