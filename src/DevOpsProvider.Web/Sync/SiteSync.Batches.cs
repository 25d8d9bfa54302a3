using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;

namespace DevOpsProvider.Web.Sync;

/// <summary>The sending half of a run: deletions first (a scope at a time where it can), then batches of due components.</summary>
public sealed partial class SiteSync
{
    private const int ForgetChunk = 200;

    private Dictionary<string, string> OurProperties(string? scope)
    {
        var properties = new Dictionary<string, string> { ["source"] = connect.Value.AppKey };
        if (scope is not null)
        {
            properties["scope"] = scope;
        }

        return properties;
    }

    private async Task DeleteGoneAsync(Tenant tenant, RunPlan plan, long runId, RunProgress progress, CancellationToken cancellationToken)
    {
        // A scope taken away from the site goes in one request instead of one per component. Taking one away replans
        // the site, so only a run from scratch needs to look.
        var unassigned = plan.Since == 0 ? await planner.UnassignedScopesAsync(tenant.ClientKey, cancellationToken) : [];
        foreach (var scope in unassigned)
        {
            await jira.DeleteByPropertiesAsync(tenant, OurProperties(scope), progress.Counters, cancellationToken);
            progress.Add(deleted: await state.ForgetScopeAsync(tenant.ClientKey, scope, cancellationToken));
        }

        var confirmed = new List<string>(ForgetChunk);
        foreach (var gone in await planner.GoneAsync(tenant.ClientKey, plan.Since, cancellationToken))
        {
            if (gone.InJira)
            {
                await jira.DeleteAsync(tenant, gone.Id, progress.Counters, cancellationToken);
                progress.Add(deleted: 1);
            }

            confirmed.Add(gone.Id);
            if (confirmed.Count == ForgetChunk)
            {
                await state.ForgetAsync(tenant.ClientKey, confirmed, runId, progress, cancellationToken);
                confirmed.Clear();
            }
        }

        if (confirmed.Count > 0)
        {
            await state.ForgetAsync(tenant.ClientKey, confirmed, runId, progress, cancellationToken);
        }
    }

    private async Task SendDueAsync(Tenant tenant, RunPlan plan, long runId, RunProgress progress, CancellationToken cancellationToken)
    {
        using var batch = NewBatch(options.Value.MaxBatchBytes);
        await foreach (var component in planner.DueAsync(tenant.ClientKey, plan.Full, plan.Since, cancellationToken))
        {
            // One batch holds one scope: the scope is a property of the whole submission.
            if (batch.Count > 0 && string.Equals(batch.Scope, component.Scope, StringComparison.Ordinal) && batch.TryAdd(component))
            {
                continue;
            }

            if (batch.Count > 0)
            {
                await SubmitAsync(tenant, batch, runId, progress, cancellationToken);
            }

            batch.Start(component.Scope);
            batch.TryAdd(component);
        }

        if (batch.Count > 0)
        {
            await SubmitAsync(tenant, batch, runId, progress, cancellationToken);
        }
    }

    private async Task SubmitAsync(Tenant tenant, BulkBatch batch, long runId, RunProgress progress, CancellationToken cancellationToken)
    {
        BulkResponse response;
        try
        {
            response = await jira.SubmitAsync(tenant, batch.Body(), progress.Counters, cancellationToken);
        }
        catch (JiraPayloadTooLargeException)
        {
            // 413: Jira wants fewer components. Halve and send each half (halving again as needed); the rest of the run
            // keeps the smaller budget.
            var sent = batch.Body().Length;
            batch.MaxBytes = Math.Max(1024, sent / 2);
            await SubmitHalvedAsync(tenant, batch.Scope!, [.. batch.Components], runId, progress, cancellationToken);
            return;
        }

        await state.RecordBatchAsync(tenant.ClientKey, batch.Scope!, batch.Components, response, runId, progress, cancellationToken);
    }

    private async Task SubmitHalvedAsync(Tenant tenant, string scope, List<CatalogComponent> components, long runId, RunProgress progress, CancellationToken cancellationToken)
    {
        if (components.Count == 1)
        {
            var refused = new BulkResponse();
            refused.FailedComponents[components[0].Id] = [new BulkError { Message = "Jira refused the component as too large (413)" }];
            await state.RecordBatchAsync(tenant.ClientKey, scope, components, refused, runId, progress, cancellationToken);
            return;
        }

        var half = components.Count / 2;
        foreach (var part in new[] { components[..half], components[half..] })
        {
            using var batch = NewBatch(int.MaxValue);
            batch.Start(scope);
            foreach (var component in part)
            {
                batch.TryAdd(component);
            }

            try
            {
                var response = await jira.SubmitAsync(tenant, batch.Body(), progress.Counters, cancellationToken);
                await state.RecordBatchAsync(tenant.ClientKey, scope, batch.Components, response, runId, progress, cancellationToken);
            }
            catch (JiraPayloadTooLargeException)
            {
                await SubmitHalvedAsync(tenant, scope, part, runId, progress, cancellationToken);
            }
        }
    }

    private BulkBatch NewBatch(int maxBytes)
        => new(jira.ArrayName, connect.Value.AppKey, jiraOptions.Value.Product, maxBytes, options.Value.MaxBatchSize);
}
