using Crm.Domain.Common;
using Crm.Sales.Customers;

namespace Crm.Commerce.Contracts;

/// <summary>A customer with a contract that is draft, under approval or active is not deleted: the contract would point at nothing.</summary>
internal sealed class LiveContractsCheck(ContractService contracts) : ICustomerDeleteCheck
{
    public async Task EnsureCanDeleteAsync(string tenantId, string customerId, CancellationToken cancellationToken)
    {
        await foreach (var contract in contracts.OfCustomerAsync(tenantId, customerId, cancellationToken))
        {
            if (contract.IsLive)
            {
                throw new ConflictException("customer.has_contracts", $"This customer has a live contract ({contract.Number}); complete or terminate it, or merge the customer into another, first.",
                    new Dictionary<string, object?> { ["contractId"] = contract.Id });
            }
        }
    }
}
