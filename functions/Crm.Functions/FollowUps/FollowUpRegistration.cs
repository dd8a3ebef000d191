using Crm.Domain.Sales;
using Crm.Functions.Customers;
using Crm.Functions.Leads;
using Crm.Functions.Notifications;
using Crm.Functions.Records;
using Crm.Functions.Timeline;
using Crm.Storage.Triggers;

namespace Crm.Functions.FollowUps;

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
        services.AddNotifications();
        services.AddSingleton<FollowUpReminders>();
        services.AddTimerJob<FollowUpReminderJob>(FollowUpReminderJob.Name);
        return services;
    }
}
