using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Platform.Access;
using Crm.Platform.Approvals;
using Crm.Platform.Records;

namespace Crm.Commerce.Receipts;

public static class ReceiptRegistration
{
    /// <summary>
    /// Receipts (回款): owned records of a contract on the shared record endpoints (<c>/api/v1/receipts</c>, module
    /// <c>receipts</c>), approved through the approvals (type <c>receipt</c>) and voided by an action. The sales manager holds
    /// every right; the sales rep records, edits and submits.
    /// </summary>
    public static IServiceCollection AddReceipts(this IServiceCollection services)
    {
        services.AddOwnedRecords<Receipt, ReceiptRecordType, ReceiptFields, ReceiptService>("Receipts", "Receipt", "Receipts",
            (OwnerTransfer.Action, "Give receipts to another owner"),
            (ReceiptActions.Void, "Void an approved receipt"));
        services.AddApprovalDocument<ReceiptApproval>();
        services.AddSingleton<IApiFeature, ReceiptActions>();
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["receipts"], "view", "create", "edit", "delete", "import", "export", OwnerTransfer.Action, ReceiptActions.Void),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["receipts"], "view", "create", "edit", "delete"));
        return services;
    }
}
