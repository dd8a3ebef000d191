using Crm.Platform.Records;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Commerce.PaymentPlans;

public static class PaymentPlanRegistration
{
    /// <summary>Contracts' payment plans, the summary of receipts counted against them, and the daily reminders of installments due.</summary>
    public static IServiceCollection AddPaymentPlans(this IServiceCollection services)
    {
        services.AddSingleton<ContractPayments>();
        services.AddSingleton<IApiFeature, PaymentPlanEndpoints>();
        services.AddTimerJob<PaymentReminderJob>(PaymentReminderJob.Name);
        return services;
    }
}
