using Crm.Domain.Attachments;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Attachments;

public static class AttachmentRegistration
{
    /// <summary>Files on any record with a permission module, their limits, scanner hook and routes.</summary>
    public static IServiceCollection AddAttachments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AttachmentOptions>(configuration.GetSection(AttachmentOptions.Section));
        services.AddRecordType<Attachment, AttachmentRecordType>();
        services.AddSingleton<AttachmentUsage>().AddTable(AttachmentUsage.TableName);
        services.AddSingleton<AttachmentFiles>();
        services.AddSingleton<AttachmentParents>();
        services.AddSingleton<AttachmentService>();
        services.AddSingleton<UploadSessionStore>().AddTable(UploadSessionStore.TableName);
        services.AddSingleton<AttachmentUploads>();
        services.AddTimerJob<UploadSessionExpiryJob>(UploadSessionExpiryJob.Name);
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<AttachmentService>());
        services.TryAddSingleton<IMalwareScanner, NoMalwareScanner>();
        services.AddSingleton<ITimelineEntries, AttachmentTimelineEntries>();
        services.AddSingleton<IApiFeature, AttachmentRoutes>();
        return services;
    }
}

public sealed class AttachmentRoutes : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var options = api.ServiceProvider.GetRequiredService<IOptions<AttachmentOptions>>().Value;
        AttachmentEndpoints.Map(api, options);
        UploadSessionEndpoints.Map(api, options);
    }
}
