using DevOpsProvider.Web;

var app = DevOpsProviderApp.Build(args);
await app.RunAsync();

/// <summary>Entry point; visible to tests.</summary>
public partial class Program;
