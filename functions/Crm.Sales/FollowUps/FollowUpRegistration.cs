using Crm.Domain.Sales;
using Crm.Sales.Customers;
using Crm.Sales.Leads;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Storage.Triggers;

namespace Crm.Sales.FollowUps;

internal static class FollowUpRegistration
{
    /// <summary>
    /// Follow-ups as owned records on customers, contacts, opportunities and leads (other record types join with
    /// <see cref="FollowUpTargetRegistration.AddFollowUpTarget{T}"/>), their reminders, notifications and timelines.
    /// </summary>
    public static IServiceCollection AddFollowUps(this IServiceCollection services)
    {
        services.AddOwnedRecords<FollowUp, FollowUpRecordType, CreateFollowUp, FollowUpService>("Follow-ups", "FollowUp", "FollowUps");
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<FollowUpService>());
        services.AddSingleton<FollowUpTargets>();
        services.AddFollowUpTarget<Customer>();
        services.AddFollowUpTarget<Contact>();
        services.AddFollowUpTarget<Opportunity>();
        services.AddFollowUpTarget<Lead>();
        services.AddSingleton<ILeadConversionStep, LeadFollowUpsMove>();
        services.AddSingleton<ITimelineEntries, FollowUpTimelineEntries>();
        services.AddSingleton<ICustomerDependents, CustomerFollowUps>();
        services.AddSingleton<FollowUpReminders>();
        services.AddTimerJob<FollowUpReminderJob>(FollowUpReminderJob.Name);
        return services;
    }
}
