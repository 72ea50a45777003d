define internal i32 @wasm_func_0(ptr %vmctx, i32 %p0) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %fuel = alloca i64
  %t3 = getelementptr inbounds i8, ptr %vmctx, i64 80
  %t10 = getelementptr inbounds i8, ptr %vmctx, i64 88
  %t11 = load ptr, ptr %t10, !invariant.load !{}
  %t20 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t21 = load ptr, ptr %t20, !invariant.load !{}
  %t22 = load i64, ptr %t21
  %t23 = call ptr @llvm.stacksave.p0()
  %t24 = ptrtoint ptr %t23 to i64
  %t25 = icmp ult i64 %t24, %t22
  br i1 %t25, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t4 = load i64, ptr %t3, !tbaa !7
  store i64 %t4, ptr %fuel
  %t5 = load i64, ptr %fuel
  %t6 = add i64 %t5, 1
  store i64 %t6, ptr %fuel
  %t7 = load i64, ptr %fuel
  %t8 = icmp sge i64 %t7, 0
  br i1 %t8, label %trap_out_of_fuel, label %ok9, !prof !0
ok9:
  %t12 = load volatile i32, ptr %t11
  %t13 = icmp ne i32 %t12, 0
  br i1 %t13, label %trap_interrupt, label %ok14, !prof !0
ok14:
  %t15 = load i32, ptr %l0
  %t16 = add i32 %t15, 1
  %t17 = load i64, ptr %fuel
  %t18 = add i64 %t17, 3
  store i64 %t18, ptr %fuel
  %t19 = load i64, ptr %fuel
  store i64 %t19, ptr %t3, !tbaa !7
  ret i32 %t16
trap_out_of_fuel:
  call void @wasmc_trap(ptr %vmctx, i32 13)
  unreachable
trap_interrupt:
  call void @wasmc_trap(ptr %vmctx, i32 14)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i32 @wasm_func_1(ptr %vmctx, i32 %p0) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 0, ptr %l1
  %fuel = alloca i64
  %t3 = getelementptr inbounds i8, ptr %vmctx, i64 80
  %t10 = getelementptr inbounds i8, ptr %vmctx, i64 88
  %t11 = load ptr, ptr %t10, !invariant.load !{}
  %t51 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t52 = load ptr, ptr %t51, !invariant.load !{}
  %t53 = load i64, ptr %t52
  %t54 = call ptr @llvm.stacksave.p0()
  %t55 = ptrtoint ptr %t54 to i64
  %t56 = icmp ult i64 %t55, %t53
  br i1 %t56, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t4 = load i64, ptr %t3, !tbaa !7
  store i64 %t4, ptr %fuel
  %t5 = load i64, ptr %fuel
  %t6 = add i64 %t5, 1
  store i64 %t6, ptr %fuel
  %t7 = load i64, ptr %fuel
  %t8 = icmp sge i64 %t7, 0
  br i1 %t8, label %trap_out_of_fuel, label %ok9, !prof !0
ok9:
  %t12 = load volatile i32, ptr %t11
  %t13 = icmp ne i32 %t12, 0
  br i1 %t13, label %trap_interrupt, label %ok14, !prof !0
ok14:
  br label %loop16
loop16:
  %t17 = load i64, ptr %fuel
  %t18 = icmp sge i64 %t17, 0
  br i1 %t18, label %trap_out_of_fuel, label %ok19, !prof !0
ok19:
  %t20 = load volatile i32, ptr %t11
  %t21 = icmp ne i32 %t20, 0
  br i1 %t21, label %trap_interrupt, label %ok22, !prof !0
ok22:
  %t23 = load i32, ptr %l1
  %t24 = load i64, ptr %fuel
  %t25 = add i64 %t24, 2
  store i64 %t25, ptr %fuel
  %t26 = load i64, ptr %fuel
  store i64 %t26, ptr %t3, !tbaa !7
  %t27 = call i32 @wasm_func_0(ptr %vmctx, i32 %t23)
  %t28 = load i64, ptr %t3, !tbaa !7
  store i64 %t28, ptr %fuel
  store i32 %t27, ptr %l1
  %t29 = load i32, ptr %l1
  %t30 = load i32, ptr %l0
  %t31 = icmp ult i32 %t29, %t30
  %t32 = zext i1 %t31 to i32
  %t33 = load i64, ptr %fuel
  %t34 = add i64 %t33, 5
  store i64 %t34, ptr %fuel
  %t35 = icmp ne i32 %t32, 0
  br i1 %t35, label %loop16, label %cont36
cont36:
  %t37 = load i32, ptr %l0
  %t38 = load i64, ptr %fuel
  %t39 = add i64 %t38, 2
  store i64 %t39, ptr %fuel
  %t43 = icmp ne i32 %t37, 0
  br i1 %t43, label %then41, label %else42
then41:
  %t44 = load i32, ptr %l1
  %t45 = load i64, ptr %fuel
  %t46 = add i64 %t45, 1
  store i64 %t46, ptr %fuel
  br label %end40
else42:
  %t47 = load i64, ptr %fuel
  %t48 = add i64 %t47, 1
  store i64 %t48, ptr %fuel
  br label %end40
end40:
  %t49 = phi i32 [ %t44, %then41 ], [ 0, %else42 ]
  %t50 = load i64, ptr %fuel
  store i64 %t50, ptr %t3, !tbaa !7
  ret i32 %t49
trap_out_of_fuel:
  call void @wasmc_trap(ptr %vmctx, i32 13)
  unreachable
trap_interrupt:
  call void @wasmc_trap(ptr %vmctx, i32 14)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_i_i(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i32, ptr %ap0
  %r = call i32 %callee(ptr %vmctx, i32 %a0)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i32 %r, ptr %rp0
  ret void
}
define internal i32 @wasm_host_i_i(ptr %host, i32 %a0) {
  %slots = alloca [1 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i32 %a0, ptr %ap0
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i32, ptr %rp0
  ret i32 %r0
}
@wasmc_funcs = constant [2 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1]
@wasmc_direct_copies = constant [2 x ptr] [ptr null, ptr null]
@wasmc_entries = constant [1 x ptr] [ptr @wasm_entry_i_i]
@wasmc_host_adapters = constant [1 x ptr] [ptr @wasm_host_i_i]
declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare ptr @llvm.stacksave.p0()
attributes #0 = { "disable-tail-calls"="true" nounwind }
!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"wasmc"}
!2 = !{!"wasm memory", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"wasm global", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"wasmc runtime", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{i64 0, i64 2147483648}
